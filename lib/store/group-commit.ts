// Group commit: concurrent calls in one process share round trips. A call made while
// no batch is in flight leaves at once, alone (no timer, no waiting for company); calls
// made while one is in flight queue up, and leave together as the next batch the moment
// it is answered, bounded in count and bytes. One batch at a time: batches grow exactly
// as fast as load does, and Postgres commits once per batch (on this project's 2-core
// bench, one in flight gave ~15 webhooks a batch and 10 % more throughput than two). Each caller gets its own answer, in the order
// of the batch, only once the whole batch has been answered (committed); a failed batch
// fails every caller in it with the same StoreError, never a partial answer.
//
// Every caller keeps its own deadline, counted from its call: one still queued when it
// passes is withdrawn (it is never sent) and gets its 503; one already sent is answered
// late as a lone call would be, and its batch's outcome is dropped for it.
import { StoreError } from "./port.js";

export interface BatchLimits {
  /** The most calls in one batch (HOOKGATE_INGEST_BATCH_MAX_ITEMS). */
  maxItems: number;
  /** The most bytes in one batch, by the caller's estimate (HOOKGATE_INGEST_BATCH_MAX_BYTES); a larger call goes alone. */
  maxBytes: number;
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
  /** Past its deadline: answered already, and never sent if still queued. */
  withdrawn: boolean;
  timer: ReturnType<typeof setTimeout> | undefined;
  resolve(result: R): void;
  reject(error: unknown): void;
}

// Settled through functions made once, not closures made per call: this runs for every webhook.
function answer<R>(waiting: Waiting<unknown, R>, result: R): void {
  clearTimeout(waiting.timer);
  waiting.resolve(result);
}

function fail(waiting: Waiting<unknown, unknown>, error: unknown): void {
  clearTimeout(waiting.timer);
  waiting.reject(error);
}

function expire(waiting: Waiting<unknown, unknown>, late: () => StoreError): void {
  // Still queued: never sent (take() skips it). Already sent: its outcome is dropped.
  waiting.withdrawn = true;
  waiting.reject(late());
}

/** A call that joins the batch leaving next: `bytes` is the item's share of the batch's size. */
export type Batched<I, R> = (item: I, bytes: number) => Promise<R>;

export function groupCommit<I, R>(send: SendBatch<I, R>, limits: BatchLimits, label = "store"): Batched<I, R> {
  const queue: Waiting<I, R>[] = [];
  let sending = false;

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
    if (sending) return;
    const batch = take();
    if (batch.length === 0) return;
    sending = true;
    void sendBatch(batch).finally(() => {
      sending = false;
      pump();
    });
  };

  const sendBatch = async (batch: Waiting<I, R>[]): Promise<void> => {
    try {
      const results = await send(batch.map((waiting) => waiting.item));
      if (!Array.isArray(results) || results.length !== batch.length) {
        throw new StoreError(`${label}: a batch of ${batch.length} was answered with ${describe(results)}`, false);
      }
      for (let i = 0; i < batch.length; i += 1) answer(batch[i]!, results[i]);
    } catch (error) {
      const failure =
        error instanceof StoreError ? error : new StoreError(`${label}: ${String(error)}`, false, { cause: error });
      for (const waiting of batch) fail(waiting, failure);
    }
  };

  // One timer per caller, and no more: the deadline is this call's whole wait, in the
  // queue and in its batch (the batch's own call has the transport's limit too).
  const late = () =>
    new StoreError(`${label}: no answer within ${limits.timeoutMs} ms (HOOKGATE_STORE_TIMEOUT_MS)`, true);
  return (item, bytes) =>
    new Promise<R>((resolve, reject) => {
      const waiting: Waiting<I, R> = { item, bytes, withdrawn: false, timer: undefined, resolve, reject };
      waiting.timer = setTimeout(expire, limits.timeoutMs, waiting, late);
      queue.push(waiting);
      pump();
    });
}

function describe(results: unknown): string {
  return Array.isArray(results) ? `${results.length} results` : typeof results;
}
