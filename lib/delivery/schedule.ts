// When a delivery is tried again, as a pure function of values: the retry schedule
// applied to an attempt's outcome. No timers, no clock of its own.
import type { AttemptOutcome } from "../destinations/contract.js";
import { DEFAULT_RETRY_POLICY, MAX_RETRY_AFTER_MS, type RetryPolicy } from "../routing/policy.js";

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
