// Group commit: concurrent calls in one process share round trips. A call made while
// the store is free leaves at once, alone (no timer, no waiting for company); calls made
// while batches are in flight queue up, and the next free place takes them together as
// one batch, bounded in count and bytes. Each caller gets its own answer, in the order
// of the batch, only once the whole batch has been answered (committed); a failed batch
// fails every caller in it with the same StoreError, never a partial answer.
//
// Every caller keeps its own deadline, counted from its call: one still queued when it
// passes is withdrawn (it is never sent) and gets its 503; one already sent is answered
// late as a lone call would be, and its batch's outcome is dropped for it.
import { withDeadline } from "./deadline.js";
import { StoreError } from "./port.js";

export interface BatchLimits {
  /** The most calls in one batch (HOOKGATE_INGEST_BATCH_MAX_ITEMS). */
  maxItems: number;
  /** The most bytes in one batch, by the caller's estimate (HOOKGATE_INGEST_BATCH_MAX_BYTES); a larger call goes alone. */
  maxBytes: number;
  /** Batches in flight at once; calls queue only when all of them are taken. */
  inFlight: number;
  /** Each caller's limit, from its call to its answer (HOOKGATE_STORE_TIMEOUT_MS). */
  timeoutMs: number;
}

export const DEFAULT_BATCH_MAX_ITEMS = 64;
export const DEFAULT_BATCH_MAX_BYTES = 1024 * 1024;

/** Sends one batch: answers one result per item, in order, or throws. */
export type SendBatch<I, R> = (items: readonly I[]) => Promise<readonly R[]>;

interface Waiting<I, R> {
  readonly item: I;
  readonly bytes: number;
  withdrawn: boolean;
  resolve(result: R): void;
  reject(error: unknown): void;
}

/** A call that joins the batch leaving next: `bytes` is the item's share of the batch's size. */
export type Batched<I, R> = (item: I, bytes: number) => Promise<R>;

export function groupCommit<I, R>(send: SendBatch<I, R>, limits: BatchLimits, label = "store"): Batched<I, R> {
  const queue: Waiting<I, R>[] = [];
  let sending = 0;

  /** The longest run at the head of the queue within the bounds; at least one. */
  const take = (): Waiting<I, R>[] => {
    const batch: Waiting<I, R>[] = [];
    let bytes = 0;
    while (queue.length > 0 && batch.length < limits.maxItems) {
      const next = queue[0]!;
      if (next.withdrawn) {
        queue.shift();
        continue;
      }
      if (batch.length > 0 && bytes + next.bytes > limits.maxBytes) break;
      queue.shift();
      batch.push(next);
      bytes += next.bytes;
    }
    return batch;
  };

  const pump = (): void => {
    while (sending < limits.inFlight) {
      const batch = take();
      if (batch.length === 0) return;
      sending += 1;
      void sendBatch(batch).finally(() => {
        sending -= 1;
        pump();
      });
    }
  };

  const sendBatch = async (batch: Waiting<I, R>[]): Promise<void> => {
    try {
      const results = await send(batch.map((waiting) => waiting.item));
      if (!Array.isArray(results) || results.length !== batch.length) {
        throw new StoreError(`${label}: a batch of ${batch.length} was answered with ${describe(results)}`, false);
      }
      batch.forEach((waiting, i) => waiting.resolve(results[i]!));
    } catch (error) {
      const failure =
        error instanceof StoreError ? error : new StoreError(`${label}: ${String(error)}`, false, { cause: error });
      for (const waiting of batch) waiting.reject(failure);
    }
  };

  const late = () =>
    new StoreError(`${label}: no answer within ${limits.timeoutMs} ms (HOOKGATE_STORE_TIMEOUT_MS)`, true);

  return (item, bytes) =>
    withDeadline(
      limits.timeoutMs,
      (signal) =>
        new Promise<R>((resolve, reject) => {
          const waiting: Waiting<I, R> = { item, bytes, withdrawn: false, resolve, reject };
          // Past the deadline a call still in the queue is never sent (take() skips it).
          signal.addEventListener("abort", () => (waiting.withdrawn = true), { once: true });
          queue.push(waiting);
          pump();
        }),
      late,
    );
}

function describe(results: unknown): string {
  return Array.isArray(results) ? `${results.length} results` : typeof results;
}
