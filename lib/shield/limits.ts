// Rate limits on the ingest path. Before verification: a generous limit per client IP
// and optional limits per source. After a failed verification: a strict count per IP,
// and once it is full, that IP's later FAILED verifications are answered 429 until
// the window ends. A request whose signature verifies is never refused for failures:
// GitHub, Stripe, Shopify and Slack send from shared IPs, and anyone can send forgeries
// from them (or claim them) to lock the real sender out.
//
// The hot path makes at most one KV round trip: the checks run concurrently, which
// ioredis pipelines on its one connection and @upstash/redis batches into one HTTP
// request. The failure window is only peeked there (is this IP over its limit?) and
// consulted once verification has failed. Each answer leaves an allowance, so a
// client's steady stream asks the KV a few times a second (SYNC_MS), sending the
// requests counted meanwhile with the next check. Counting a failure happens after
// the answer. When the KV is slow or down the limiter fails open within
// RATE_LIMIT_TIMEOUT_MS and says why.
import type { RateSpec } from "../config/rate-spec.js";
import type { Env } from "../config/env.js";
import type { Kv } from "../kv/port.js";
import { errorFields, log, type LogFields } from "../observability/log.js";
import { increment } from "../observability/counters.js";
import { deadline } from "../time/deadline.js";
import { UNKNOWN_IP } from "./client-ip.js";
import { windowCounters, type WindowCounter, type WindowState } from "./windows.js";

export type LimitName = "ip" | "source" | "failed_verifications";

export type Admission =
  | { outcome: "allowed" }
  | { outcome: "limited"; limit: Exclude<LimitName, "failed_verifications">; state: WindowState }
  /** The KV did not answer in time or failed: the request goes on, and says so. */
  | { outcome: "failed_open"; reason: "timeout" | "error"; detail: string };

export interface Limits {
  /** The one pre-verification check. Never throws. `logFields` (a request id) go on its warnings. */
  admit(ip: string, source: string, logFields?: LogFields): Promise<Admission>;
  /**
   * After a verification failed: the IP's failure window when it is known to be full
   * (then the failure is answered 429), else undefined. No KV call: admit() peeked it.
   */
  overFailureLimit(ip: string): WindowState | undefined;
  /** Counts a failed verification (after the answer). Never throws. */
  failedVerification(ip: string, logFields?: LogFields): Promise<void>;
}

export interface LimitsConfig {
  perIp: RateSpec | null;
  failedVerifications: RateSpec | null;
  perSource: Readonly<Record<string, RateSpec>>;
  timeoutMs: number;
}

export function limitsConfig(env: Env): LimitsConfig {
  return {
    perIp: env.RATE_LIMIT_PER_IP,
    failedVerifications: env.RATE_LIMIT_FAILED_VERIFICATIONS,
    perSource: env.RATE_LIMIT_PER_SOURCE ?? {},
    timeoutMs: env.RATE_LIMIT_TIMEOUT_MS,
  };
}

/** Bounded: this instance's memory of windows it already knows to be full. */
const FULL_WINDOWS_KEPT = 10_000;

/**
 * How long an answer from the KV may stand in for the next ones from the same client
 * to the same source: a block set by another instance is seen within this time.
 */
export const SYNC_MS = 250;
const ALLOWANCES_KEPT = 10_000;

export async function createLimits(kv: Kv, config: LimitsConfig, now: () => number = Date.now): Promise<Limits> {
  const counter = await windowCounters(kv, now);
  const perIp = config.perIp && counter("ip", config.perIp);
  const failures = config.failedVerifications && counter("failed", config.failedVerifications);
  const perSource = new Map<string, WindowCounter>();
  const sourceCounter = (source: string): WindowCounter | null => {
    const spec = config.perSource[source] ?? config.perSource["*"];
    if (!spec) return null;
    let c = perSource.get(source);
    if (!c) perSource.set(source, (c = counter(`source:${source}`, spec)));
    return c;
  };
  // On a shared KV, each answer leaves an allowance (see admit); in memory every check
  // is as cheap as the allowance would be.
  const batching = kv.shared;
  const allowances = new Map<string, { left: number; until: number; unsent: number }>();
  // A cache of the shared truth: a window this instance saw full (an IP's, a source's,
  // an IP's failures) is answered 429 without asking the KV again until it ends, so
  // a flood from one client costs no KV calls at all.
  const full = new Map<string, { limit: LimitName; state: WindowState }>();
  // Only "ip" and "source" refuse before verification; a full failure window is
  // remembered here too, but only overFailureLimit() reads it.
  const remember = (limit: LimitName, id: string, state: WindowState) => {
    if (full.size >= FULL_WINDOWS_KEPT) full.clear();
    full.set(`${limit} ${id}`, { limit, state: { ...state, allowed: false } });
  };
  const knownFull = (limit: LimitName, id: string) => {
    const entry = full.get(`${limit} ${id}`);
    if (entry && entry.state.resetAt > now()) return entry;
    if (entry) full.delete(`${limit} ${id}`);
    return undefined;
  };

  return {
    async admit(ip, source, logFields = {}) {
      // Without a client IP (no proxy set one) every client would share one window:
      // only the per-source limits apply then.
      const known = ip !== UNKNOWN_IP;
      const cached = (known && knownFull("ip", ip)) || knownFull("source", source);
      if (cached) return { outcome: "limited", limit: cached.limit as "ip" | "source", state: cached.state };

      const bySource = sourceCounter(source);
      if (!(failures && known) && !(perIp && known) && !bySource) return { outcome: "allowed" };

      // Within a recent answer's allowance: counted here, sent with the next check.
      const key = `${ip} ${source}`;
      const grant = allowances.get(key);
      if (grant && grant.left > 0 && grant.until > now()) {
        grant.left -= 1;
        grant.unsent += 1;
        return { outcome: "allowed" };
      }
      const count = 1 + (grant?.unsent ?? 0);
      if (grant) grant.unsent = 0;

      const checks: [LimitName, string, Promise<WindowState>][] = [];
      if (failures && known) checks.push(["failed_verifications", ip, failures.peek(ip)]);
      if (perIp && known) checks.push(["ip", ip, perIp.hit(ip, count)]);
      if (bySource) checks.push(["source", source, bySource.hit(source, count)]);

      const answer = await withTimeout(Promise.all(checks.map(([, , state]) => state)), config.timeoutMs);
      if (!answer.ok) {
        if (grant) grant.unsent += count - 1; // not sent after all: they go with the next check
        return failedOpen(answer.reason, answer.detail, logFields);
      }
      for (const [i, [limit, id]] of checks.entries()) {
        const state = answer.value[i]!;
        if (state.allowed) continue;
        remember(limit, id, state);
        // A full failure window refuses nothing yet: only a failure, once verified as one.
        if (limit !== "failed_verifications") return { outcome: "limited", limit, state };
      }
      if (batching) {
        // Half of the smallest room left may be used before asking again, for at most
        // SYNC_MS: a client's steady stream costs a few KV calls a second, not one
        // per webhook, and instances together cannot overshoot by much.
        const counted = answer.value.filter((_, i) => checks[i]![0] !== "failed_verifications");
        const room = Math.min(...counted.map((state) => state.remaining));
        const until = Math.min(now() + SYNC_MS, ...counted.map((state) => state.resetAt));
        if (allowances.size >= ALLOWANCES_KEPT && !allowances.has(key)) allowances.clear();
        allowances.set(key, { left: Number.isFinite(room) ? Math.floor(room / 2) : 0, until, unsent: 0 });
      }
      return { outcome: "allowed" };
    },

    overFailureLimit(ip) {
      return ip === UNKNOWN_IP ? undefined : knownFull("failed_verifications", ip)?.state;
    },

    async failedVerification(ip, logFields = {}) {
      if (!failures || ip === UNKNOWN_IP) return;
      const answer = await withTimeout(failures.hit(ip), config.timeoutMs);
      if (!answer.ok) {
        failedOpen(answer.reason, answer.detail, logFields);
        return;
      }
      if (answer.value.remaining === 0) remember("failed_verifications", ip, answer.value);
    },
  };
}

/** The answer headers of a 429: Retry-After and the IETF RateLimit-* fields. */
export function limitedHeaders(state: WindowState, now: number = Date.now()): Record<string, string> {
  const seconds = String(Math.max(1, Math.ceil((state.resetAt - now) / 1000)));
  return {
    "retry-after": seconds,
    "ratelimit-limit": String(state.limit),
    "ratelimit-remaining": String(state.remaining),
    "ratelimit-reset": seconds,
  };
}

type Timed<T> = { ok: true; value: T } | { ok: false; reason: "timeout" | "error"; detail: string };

async function withTimeout<T>(work: Promise<T>, ms: number): Promise<Timed<T>> {
  try {
    const timed = await deadline(ms, () => work);
    if (timed.late) return { ok: false, reason: "timeout", detail: `no answer within ${ms} ms` };
    return { ok: true, value: timed.value };
  } catch (error) {
    return { ok: false, reason: "error", detail: String(errorFields(error).error_message ?? error) };
  }
}

/** At most one warning per reason per this many ms per instance: an outage must not flood the logs. */
const WARN_EVERY_MS = 60_000;
const lastWarned = new Map<string, number>();

function failedOpen(reason: "timeout" | "error", detail: string, logFields: LogFields): Admission {
  increment("hookgate_rate_limit_failed_open_total", { reason });
  const last = lastWarned.get(reason) ?? 0;
  if (Date.now() - last >= WARN_EVERY_MS) {
    lastWarned.set(reason, Date.now());
    log.warn("rate limiter failed open", { ...logFields, reason, detail: detail.slice(0, 200) });
  }
  return { outcome: "failed_open", reason, detail };
}
