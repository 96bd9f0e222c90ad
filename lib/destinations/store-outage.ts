// An action that reads or records through the store meets the store's outages as any
// caller does: a StoreError (unreachable, too slow) is an attempt to make again later,
// never a dead letter. Every action's attempt runs through this one rule.
import { StoreError } from "../store/port.js";
import type { AttemptOutcome } from "./contract.js";

export async function retryingStoreOutages(attempt: () => Promise<AttemptOutcome>): Promise<AttemptOutcome> {
  try {
    return await attempt();
  } catch (error) {
    if (error instanceof StoreError) return { kind: "retry", error: error.message, errorClass: "store_unavailable" };
    throw error;
  }
}
