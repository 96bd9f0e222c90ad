// How an HTTP answer becomes an attempt outcome, for every destination that calls an
// HTTP API (the forward, the ClickUp action): pure functions of the status and headers.
import { DEFAULT_RETRY_POLICY, SECOND, type RetryPolicy } from "../routing/policy.js";

/** The outcome of an HTTP answer: 2xx delivered; 408, 429, 5xx retried; 410 dead; other 4xx per policy. */
export function classifyStatus(
  status: number,
  retryAfterMs: number | undefined,
  policy: Pick<RetryPolicy, "retryClientErrors"> = DEFAULT_RETRY_POLICY,
):
  | { kind: "delivered" }
  | { kind: "retry"; errorClass: string; retryAfterMs?: number }
  | { kind: "dead"; errorClass: string } {
  if (status >= 200 && status < 300) return { kind: "delivered" };
  const errorClass = `http_${status}`;
  const retry = { kind: "retry" as const, errorClass, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
  if (status === 410) return { kind: "dead", errorClass };
  if (status === 408 || status === 429 || status >= 500) return retry;
  if (status >= 400 && status < 500) {
    const { retryClientErrors } = policy;
    const retried =
      retryClientErrors === true || (Array.isArray(retryClientErrors) && retryClientErrors.includes(status));
    return retried ? retry : { kind: "dead", errorClass };
  }
  // 1xx/3xx: redirects are not followed (the body would be re-sent somewhere unsigned for).
  return retry;
}

/** Retry-After in milliseconds: delay-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now: Date): number | undefined {
  if (value == null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * SECOND;
  if (!/[a-z]/i.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now.getTime());
}
