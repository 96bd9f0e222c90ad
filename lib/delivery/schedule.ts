// When a delivery is tried again, as pure functions of values: the retry schedule, how
// an HTTP answer is classified, and Retry-After. No timers, no clock of their own.
import type { AttemptOutcome } from "./destination.js";

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/**
 * Delay before each attempt: the first at once, then 5 s, 5 min, 30 min, 2 h, 5 h,
 * 10 h, 10 h (Svix's schedule, which receivers already expect); after the last, dead.
 */
export const DEFAULT_SCHEDULE_MS: readonly number[] = [
  0,
  5 * SECOND,
  5 * MINUTE,
  30 * MINUTE,
  2 * HOUR,
  5 * HOUR,
  10 * HOUR,
  10 * HOUR,
];

/** ±10 %: spreads a burst of failures so the retries do not arrive together. */
export const DEFAULT_JITTER = 0.1;

/** A Retry-After longer than this is capped: a receiver cannot park a delivery for days. */
export const MAX_RETRY_AFTER_MS = 24 * HOUR;

export interface RetryPolicy {
  /** Delay before attempt n+1 is `schedule[n]`; `schedule.length` attempts in all. */
  schedule: readonly number[];
  /** Fraction of each delay to vary by, each way. */
  jitter: number;
  /**
   * 4xx answers other than 408, 410 and 429 dead-letter after the first attempt;
   * `true` retries them all on the schedule, a list retries just those statuses.
   */
  retryClientErrors: boolean | readonly number[];
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  schedule: DEFAULT_SCHEDULE_MS,
  jitter: DEFAULT_JITTER,
  retryClientErrors: false,
};

export type NextStep =
  { kind: "delivered" } | { kind: "retry"; at: Date } | { kind: "dead"; reason: "rejected" | "exhausted" };

export interface NextAttemptOptions {
  now: Date;
  policy?: RetryPolicy;
  /** A number in [0, 1); injected so tests pin the jitter. */
  random?: () => number;
}

/**
 * What follows attempt number `attempt` (1 for the first) that came to `result`.
 * A `retry` past the last scheduled attempt is dead; a Retry-After later than the
 * scheduled time wins (capped at a day).
 */
export function nextAttemptAt(attempt: number, result: AttemptOutcome, options: NextAttemptOptions): NextStep {
  if (result.kind === "delivered") return { kind: "delivered" };
  if (result.kind === "dead") return { kind: "dead", reason: "rejected" };
  const { now, policy = DEFAULT_RETRY_POLICY, random = Math.random } = options;
  const base = policy.schedule[attempt];
  if (base === undefined) return { kind: "dead", reason: "exhausted" };
  const jittered = base * (1 + policy.jitter * (2 * random() - 1));
  const wait = Math.max(jittered, Math.min(result.retryAfterMs ?? 0, MAX_RETRY_AFTER_MS));
  return { kind: "retry", at: new Date(now.getTime() + Math.round(wait)) };
}

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
