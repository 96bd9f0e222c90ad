// The breaker state of each destination, as the delivery engine left it in the KV,
// read through the breaker's own key layout (breakerKeys in lib/delivery/breaker.ts).
// Read only. The /api/metrics test (tests/operations/metrics.test.ts) opens a breaker
// through the engine's own code and checks this reads it.
import { breakerKeys } from "../delivery/breaker.js";
import type { Kv } from "../kv/port.js";

/** half_open: the cooldown has passed and the next attempt is a probe. unknown: the KV did not answer. */
export type BreakerState = "closed" | "open" | "half_open" | "unknown";

export interface BreakerReading {
  destination: string;
  state: BreakerState;
  /** While open: when a probe will be let through. */
  until: string | null;
}

export async function readBreakers(
  kv: Kv,
  destinations: Iterable<string>,
  options: { prefix?: string; now?: number } = {},
): Promise<BreakerReading[]> {
  const now = options.now ?? Date.now();
  return Promise.all(
    [...destinations].sort().map(async (destination): Promise<BreakerReading> => {
      try {
        const open = await kv.get(breakerKeys(destination, options.prefix).open);
        if (open === null) return { destination, state: "closed", until: null };
        const reopenAt = Number(open);
        if (!Number.isFinite(reopenAt)) return { destination, state: "open", until: null };
        return { destination, state: now < reopenAt ? "open" : "half_open", until: new Date(reopenAt).toISOString() };
      } catch {
        return { destination, state: "unknown", until: null };
      }
    }),
  );
}
