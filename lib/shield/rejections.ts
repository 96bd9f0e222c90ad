// What happens to a rejected webhook after its answer: it is counted in the KV by
// reason, provider and client IP (shared by every instance); a burst of signature
// failures raises one security alert; and a sample is kept in the store. The sample
// keeps no body unless REJECTION_BODY_PREFIX_BYTES asks for one, and then only a short
// prefix with emails, phone numbers and tokens masked: a rejected request is often a
// real sender's (a rotated secret) and carries its customers' data.
import type { Alerts } from "../alerts/alerts.js";
import type { Kv } from "../kv/port.js";
import type { Env } from "../config/env.js";
import type { RejectionsStore } from "../store/rejections.js";
import { errorFields, log } from "../observability/log.js";
import { redactPersonal, safeHeaders } from "../observability/redact.js";

export interface RejectedRequest {
  provider: string;
  /** The fine reason (`bad_signature`, `too_large`, `ip_limit`, ...). */
  reason: string;
  status: number;
  ip: string;
  /** True for failed verifications: the ones a security alert counts. */
  signatureFailure: boolean;
  headers: Headers;
  /** The body, when it was read (only a redacted prefix of it may be kept). */
  body?: Uint8Array;
  bodyBytes?: number;
  /** The rejected request's id, on any log line its bookkeeping writes. */
  requestId?: string;
  /** How many rejections this record stands for (429s are booked in batches); 1 by default. */
  count?: number;
}

export interface RejectionsConfig {
  threshold: number;
  windowMs: number;
  recordsPerMinute: number;
  retentionSeconds: number;
  /** 0: no body kept. Otherwise the bytes of body read, before redaction. */
  bodyPrefixBytes: number;
}

export function rejectionsConfig(env: Env): RejectionsConfig {
  return {
    threshold: env.SECURITY_ALERT_THRESHOLD,
    windowMs: env.SECURITY_ALERT_WINDOW_SECONDS * 1000,
    recordsPerMinute: env.REJECTION_RECORDS_PER_MINUTE,
    retentionSeconds: env.REJECTION_RETENTION_DAYS * 86_400,
    bodyPrefixBytes: env.REJECTION_BODY_PREFIX_BYTES,
  };
}

export const SIGNATURE_FAILURES = "signature_failures";

/** The window is counted in this many buckets, so "the last 5 minutes" slides by a minute. */
const BUCKETS = 5;

export interface Rejections {
  /** Runs after the answer; never throws. */
  record(rejected: RejectedRequest): Promise<void>;
  /** The counts of the current window (the alert's numbers, also useful to operators). */
  window(): Promise<WindowSummary>;
}

export interface WindowSummary {
  rejections: number;
  signatureFailures: number;
  uniqueIps: number;
  reasons: [string, number][];
  providers: [string, number][];
  ips: [string, number][];
}

export function createRejections(deps: {
  kv: Kv;
  store: RejectionsStore;
  alerts: Alerts;
  config: RejectionsConfig;
  now?: () => number;
}): Rejections {
  const { kv, store, alerts, config } = deps;
  const now = deps.now ?? Date.now;
  const bucketMs = Math.max(1000, Math.floor(config.windowMs / BUCKETS));
  const bucketKey = (bucket: number) => `hookgate:rejections:${bucketMs}:${bucket}`;

  async function tally(r: RejectedRequest): Promise<void> {
    const n = r.count ?? 1;
    const fields: Record<string, number> = {
      total: n,
      [`reason:${r.reason}`]: n,
      [`provider:${r.provider}`]: n,
      [`ip:${r.ip}`]: n,
    };
    if (r.signatureFailure) {
      Object.assign(fields, {
        sig: n,
        [`sig_reason:${r.reason}`]: n,
        [`sig_provider:${r.provider}`]: n,
        [`sig_ip:${r.ip}`]: n,
      });
    }
    await kv.hincrby(bucketKey(Math.floor(now() / bucketMs)), fields, config.windowMs + bucketMs);
  }

  async function window(): Promise<WindowSummary> {
    const current = Math.floor(now() / bucketMs);
    const hashes = await Promise.all(Array.from({ length: BUCKETS }, (_, i) => kv.hgetall(bucketKey(current - i))));
    const sums = new Map<string, number>();
    for (const hash of hashes) {
      for (const [field, value] of Object.entries(hash)) sums.set(field, (sums.get(field) ?? 0) + Number(value));
    }
    const group = (prefix: string) =>
      [...sums]
        .filter(([f]) => f.startsWith(prefix))
        .map(([f, n]): [string, number] => [f.slice(prefix.length), n])
        .sort((a, b) => b[1] - a[1]);
    return {
      rejections: sums.get("total") ?? 0,
      signatureFailures: sums.get("sig") ?? 0,
      uniqueIps: group("sig_ip:").length,
      reasons: group("sig_reason:"),
      providers: group("sig_provider:"),
      ips: group("sig_ip:"),
    };
  }

  async function alertOnBurst(requestId: string | undefined): Promise<void> {
    if (await alerts.coolingDown(SIGNATURE_FAILURES)) return;
    const summary = await window();
    if (summary.signatureFailures <= config.threshold) return;
    const top = (pairs: [string, number][]) =>
      pairs
        .slice(0, 3)
        .map(([name, n]) => `${name} ×${n}`)
        .join(", ");
    const span =
      config.windowMs >= 120_000
        ? `${Math.round(config.windowMs / 60_000)} min`
        : `${Math.round(config.windowMs / 1000)} s`;
    await alerts.alert(
      SIGNATURE_FAILURES,
      {
        title: `${summary.signatureFailures} webhook signature failures in the last ${span}`,
        severity: "critical",
        fields: {
          Failures: summary.signatureFailures,
          "Unique IPs": summary.uniqueIps,
          "Top reasons": top(summary.reasons),
          Providers: top(summary.providers),
          "Top IPs": top(summary.ips),
          "What to check":
            "one provider from few IPs usually means a rotated or mis-set secret; many IPs or providers, an attack. " +
            "An IP's failures get 429 once it fills RATE_LIMIT_FAILED_VERIFICATIONS; its signed requests are still accepted.",
        },
      },
      { logFields: { request_id: requestId } },
    );
  }

  /** Sampling: the first N per minute overall, and at most a tenth of those per IP. */
  async function sampled(ip: string): Promise<boolean> {
    if (config.recordsPerMinute <= 0) return false;
    const minute = Math.floor(now() / 60_000);
    const perIp = await kv.incrBy(`hookgate:rejection-records:${minute}:${ip}`, 1, 60_000);
    if (perIp > Math.max(1, Math.ceil(config.recordsPerMinute / 10))) return false;
    return (await kv.incrBy(`hookgate:rejection-records:${minute}`, 1, 60_000)) <= config.recordsPerMinute;
  }

  async function keep(r: RejectedRequest): Promise<void> {
    if (!(await sampled(r.ip))) return;
    const prefix = bodyPrefix(r, config.bodyPrefixBytes);
    await store.record({
      provider: r.provider,
      reason: r.reason,
      status: r.status,
      clientIp: r.ip,
      headers: Object.fromEntries(
        Object.entries(safeHeaders(r.headers)).map(([name, value]) => [name, redactPersonal(value)]),
      ),
      bodyPrefix: Buffer.from(prefix, "utf8"),
      bodyBytes: r.bodyBytes ?? null,
      retentionSeconds: config.retentionSeconds,
    });
  }

  return {
    window,
    async record(r) {
      const quietly = (step: string, work: Promise<void>) =>
        work.catch((error: unknown) =>
          log.warn("rejection bookkeeping failed", { request_id: r.requestId, step, ...errorFields(error) }),
        );
      await Promise.all([
        quietly(
          "count",
          tally(r).then(() => (r.signatureFailure ? alertOnBurst(r.requestId) : undefined)),
        ),
        quietly("record", keep(r)),
      ]);
    },
  };
}

/**
 * The kept start of a rejected body: nothing by default; else the first `bytes` as text,
 * form-decoded when it is a form (Twilio's `From=%2B1555...` hides a phone number from a
 * pattern), emails, phone numbers and tokens masked, and no longer than `bytes`.
 */
export function bodyPrefix(r: Pick<RejectedRequest, "body" | "headers">, bytes: number): string {
  if (bytes <= 0 || !r.body?.byteLength) return "";
  let text = Buffer.from(r.body.buffer, r.body.byteOffset, Math.min(r.body.byteLength, bytes)).toString("utf8");
  if (/application\/x-www-form-urlencoded/i.test(r.headers.get("content-type") ?? "")) text = formDecoded(text);
  const redacted = redactPersonal(text.replace(/\uFFFD+$/, ""));
  return Buffer.from(redacted, "utf8")
    .subarray(0, bytes)
    .toString("utf8")
    .replace(/\uFFFD+$/, "")
    .replace(/\u0000/g, "");
}

function formDecoded(text: string): string {
  return text.replace(/\+/g, " ").replace(/(?:%[0-9a-f]{2})+/gi, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run;
    }
  });
}
