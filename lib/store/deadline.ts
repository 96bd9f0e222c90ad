// The one time limit on a store call, for every transport. A webhook waits for the
// store at most this long (a connection, then the statement); past it the call fails
// as unreachable and the provider gets 503 + Retry-After at once, instead of holding
// the request while a driver reconnects (postgres.js queues queries meanwhile).
import { deadline } from "../time/deadline.js";

/** HOOKGATE_STORE_TIMEOUT_MS's default: Slack gives up after 3 s, GitHub after 10 s. */
export const DEFAULT_STORE_TIMEOUT_MS = 2_000;

/**
 * Runs `work` under lib/time's deadline of `ms`, failing with `late()` past it. A
 * transport that can withdraw the work (a fetch, a wait for a connection) listens to the
 * signal; a statement already sent finishes unobserved, and its outcome is dropped.
 */
export async function withDeadline<T>(
  ms: number,
  work: (signal: AbortSignal) => Promise<T>,
  late: () => Error,
): Promise<T> {
  const result = await deadline(ms, work);
  if (result.late) throw late();
  return result.value;
}
