// The one time limit race, for every call that must answer in time: a store call, a
// delivery attempt, a rate-limit check. Written once so that each caller only says what
// "too late" means to it (an unreachable store, a retry, a named fail-open).

/** What became of work under a deadline: its value in time, or too late. */
export type InTime<T> = { late: false; value: T } | { late: true };

/**
 * Runs `work` with a signal that aborts after `ms`, and settles by then: with the work's
 * value (or its failure), or with `{ late: true }`. A call that can be withdrawn (a
 * fetch, a wait for a connection, a socket) listens to the signal; work that cannot be
 * withdrawn finishes unobserved, and its outcome, a failure included, is dropped.
 */
export async function deadline<T>(ms: number, work: (signal: AbortSignal) => Promise<T>): Promise<InTime<T>> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<InTime<T>>((resolve) => {
    timer = setTimeout(() => {
      // Settled before the abort, so nothing the abort sets off can answer in its place.
      resolve({ late: true });
      controller.abort(new DOMException(`no answer within ${ms} ms`, "TimeoutError"));
    }, ms);
  });
  try {
    const working = work(controller.signal).then((value): InTime<T> => ({ late: false, value }));
    // Once the deadline has answered, a later failure of the work is no one's to handle.
    working.catch(() => {});
    return await Promise.race([working, late]);
  } finally {
    clearTimeout(timer);
  }
}
