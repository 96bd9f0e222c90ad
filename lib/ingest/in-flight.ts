// The cap on webhook requests one instance serves at once (HOOKGATE_MAX_IN_FLIGHT).
// Past it a new request is answered 503 + Retry-After at once, before it reads a byte
// or costs a KV or store call: when the store is slow, requests would otherwise pile
// up in memory, each waiting its full store limit (lib/store/deadline.ts).
import { Rejection, RETRY_AFTER_SECONDS } from "../http/errors.js";

export interface InFlight {
  /** Requests being served now. */
  readonly count: number;
  /** Takes a place, or throws the 503 when all are taken; call `leave` when answered. */
  enter(): { leave(): void };
}

export function inFlightLimit(max: number): InFlight {
  let count = 0;
  return {
    get count() {
      return count;
    },
    enter() {
      if (count >= max) {
        throw new Rejection(
          "unavailable",
          `too many requests in flight (${max}, HOOKGATE_MAX_IN_FLIGHT); retry later`,
          { "retry-after": String(RETRY_AFTER_SECONDS) },
          "overloaded",
        );
      }
      count += 1;
      let left = false;
      return {
        leave() {
          if (left) return;
          left = true;
          count -= 1;
        },
      };
    },
  };
}
