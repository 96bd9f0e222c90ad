// A circuit breaker per destination, shared by every function instance through KV.
//
//   closed ──(N consecutive failures, or failure rate over a window)──▶ open
//   open ──(cooldown passes)──▶ one probe (SET NX) ──success──▶ closed
//                                               └──failure──▶ open again
//
// While open, due deliveries are deferred without using an attempt. The decision is a
// pure function (shouldOpen, in breaker-decision.ts); the rest is a few KV calls per
// destination per batch.
import type { Kv } from "../kv/port.js";
import { increment } from "../observability/counters.js";
import { errorFields, log, type LogFields } from "../observability/log.js";
import { deliverySignals, type DeliverySignals } from "./signals.js";
import type { BreakerPolicy } from "../routing/policy.js";
import { shouldOpen } from "./breaker-decision.js";

export { shouldOpen } from "./breaker-decision.js";

/** What the breaker lets through now. `kv_unavailable` is a named fail-open: deliveries go on. */
export type Admission =
  { state: "closed"; reason?: "kv_unavailable" } | { state: "probe" } | { state: "open"; until: Date };

export interface Breaker {
  admit(destination: string, policy: BreakerPolicy, probeTtlMs: number): Promise<Admission>;
  /** Reports the outcomes (true = delivered) of the attempts made under `admission`, in order. */
  report(destination: string, policy: BreakerPolicy, admission: Admission, outcomes: readonly boolean[]): Promise<void>;
}

/** How long the losers of a probe race wait before looking again. */
const PROBE_WAIT_MS = 5_000;
/** Keys outlive any sane cooldown, but never linger forever. */
const STATE_TTL_MS = 24 * 60 * 60 * 1000;
const RUN_TTL_MS = 60 * 60 * 1000;
/** At most one KV warning per kind per this many ms (like the limiter's): an outage must not flood the logs. */
export const KV_WARN_EVERY_MS = 60_000;

/**
 * Where one destination's breaker lives in the KV, under `<prefix>breaker:<destination>:`.
 * `open` holds the time, in ms, at which a probe may go through; lib/operations/breakers.ts
 * reads it through this same layout.
 */
export function breakerKeys(destination: string, prefix = "hookgate:") {
  const base = `${prefix}breaker:${destination}:`;
  return {
    open: `${base}open`,
    probe: `${base}probe`,
    /** The current run of consecutive failures. */
    run: `${base}failures`,
    /** The attempt counters of one failure-rate window (the window's number since the epoch). */
    window: (n: number) => ({ total: `${base}w${n}:total`, failed: `${base}w${n}:failed` }),
  };
}

export interface BreakerOptions {
  prefix?: string;
  clock?: () => Date;
  /** Where it says a breaker opened or closed: the engine's signals. */
  signals?: Pick<DeliverySignals, "emit">;
}

export function kvBreaker(kv: Kv, options: BreakerOptions = {}): Breaker {
  const clock = options.clock ?? (() => new Date());
  const { emit } = options.signals ?? deliverySignals();
  const lastWarned = new Map<string, number>();
  /** Every KV failure is counted; one line a minute per kind says so, with how many since the last. */
  const kvFailed = (what: "admit" | "report", message: string, fields: LogFields) => {
    increment("hookgate_breaker_kv_errors_total", { op: what });
    const now = clock().getTime();
    const last = lastWarned.get(what);
    if (last !== undefined && now - last < KV_WARN_EVERY_MS) return;
    lastWarned.set(what, now);
    log.warn(message, fields);
  };
  const keys = (destination: string, policy: BreakerPolicy, now: number) => {
    const layout = breakerKeys(destination, options.prefix);
    return { ...layout, ...layout.window(Math.floor(now / policy.windowMs)) };
  };

  return {
    async admit(destination, policy, probeTtlMs) {
      const now = clock().getTime();
      const k = keys(destination, policy, now);
      try {
        const open = await kv.get(k.open);
        if (open === null) return { state: "closed" };
        const reopenAt = Number(open);
        if (now < reopenAt) return { state: "open", until: new Date(reopenAt) };
        const won = await kv.set(k.probe, String(now), { nx: true, px: probeTtlMs });
        return won
          ? { state: "probe" }
          : { state: "open", until: new Date(now + Math.min(PROBE_WAIT_MS, policy.cooldownMs)) };
      } catch (error) {
        kvFailed("admit", "breaker state unavailable; delivering anyway", { destination, ...errorFields(error) });
        return { state: "closed", reason: "kv_unavailable" };
      }
    },

    async report(destination, policy, admission, outcomes) {
      if (outcomes.length === 0 || admission.state === "open") return;
      const at = clock();
      const now = at.getTime();
      const k = keys(destination, policy, now);
      const succeeded = outcomes.filter(Boolean).length;
      const failed = outcomes.length - succeeded;
      try {
        if (admission.state === "probe") {
          if (succeeded > 0) {
            await Promise.all([kv.del(k.open), kv.del(k.run), kv.del(k.total), kv.del(k.failed)]);
            await kv.del(k.probe);
            await emit({ type: "breaker_closed", destination, at });
          } else {
            await kv.set(k.open, String(now + policy.cooldownMs), { px: STATE_TTL_MS });
            await kv.del(k.probe);
          }
          return;
        }

        const totalPromise = kv.incrBy(k.total, outcomes.length, policy.windowMs * 2);
        if (failed === 0) {
          await Promise.all([totalPromise, kv.del(k.run)]);
          return;
        }
        const trailing = outcomes.length - 1 - outcomes.lastIndexOf(true);
        const consecutive =
          succeeded > 0
            ? kv.del(k.run).then(() => (trailing > 0 ? kv.incrBy(k.run, trailing, RUN_TTL_MS) : 0))
            : kv.incrBy(k.run, failed, RUN_TTL_MS);
        const [windowTotal, windowFailed, consecutiveFailures] = await Promise.all([
          totalPromise,
          kv.incrBy(k.failed, failed, policy.windowMs * 2),
          consecutive,
        ]);
        const counts = { consecutiveFailures, windowFailed, windowTotal };
        const reason = shouldOpen(counts, policy);
        if (!reason) return;
        const until = new Date(now + policy.cooldownMs);
        // NX: of all the instances that see the threshold crossed, one opens it and says so.
        if (await kv.set(k.open, String(until.getTime()), { nx: true, px: STATE_TTL_MS })) {
          await emit({ type: "breaker_opened", destination, reason, ...counts, until, at });
        }
      } catch (error) {
        kvFailed("report", "breaker state not updated", { destination, ...errorFields(error) });
      }
    },
  };
}
