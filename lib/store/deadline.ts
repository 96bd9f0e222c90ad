// The one time limit on a store call, for every transport. A webhook waits for the
// store at most this long (a connection, then the statement); past it the call fails
// as unreachable and the provider gets 503 + Retry-After at once, instead of holding
// the request while a driver reconnects (postgres.js queues queries meanwhile).

/** HOOKGATE_STORE_TIMEOUT_MS's default: Slack gives up after 3 s, GitHub after 10 s. */
export const DEFAULT_STORE_TIMEOUT_MS = 2_000;

/**
 * Runs `work` with a signal that aborts after `ms`, and settles by then: with the
 * work's outcome, or with `late()`. A transport that can withdraw the work (a fetch,
 * a wait for a connection) listens to the signal; work that cannot be withdrawn (a
 * statement already sent) finishes unobserved, and its outcome is dropped.
 */
export async function withDeadline<T>(
  ms: number,
  work: (signal: AbortSignal) => Promise<T>,
  late: () => Error,
): Promise<T> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = late();
      controller.abort(error);
      reject(error);
    }, ms);
  });
  const working = work(controller.signal);
  // Once the deadline has answered, a later failure of the work is no one's to handle.
  working.catch(() => {});
  try {
    return await Promise.race([working, expired]);
  } finally {
    clearTimeout(timer);
  }
}
