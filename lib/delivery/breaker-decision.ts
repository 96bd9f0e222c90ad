// The breaker's decision, apart from its KV bookkeeping (lib/delivery/breaker.ts): a pure
// function of the counts one report leaves and the destination's policy.
import type { BreakerPolicy } from "../routing/policy.js";

export interface BreakerCounts {
  consecutiveFailures: number;
  windowFailed: number;
  windowTotal: number;
}

/** Whether these counts open the breaker, and why. */
export function shouldOpen(
  counts: BreakerCounts,
  policy: BreakerPolicy,
): "consecutive_failures" | "failure_rate" | null {
  if (counts.consecutiveFailures >= policy.failures) return "consecutive_failures";
  if (counts.windowTotal >= policy.minimumAttempts && counts.windowFailed / counts.windowTotal >= policy.failureRate) {
    return "failure_rate";
  }
  return null;
}
