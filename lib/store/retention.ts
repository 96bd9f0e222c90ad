// The batches of retention (lib/operations/retention.ts decides how many and when):
// expired events with their deliveries and attempts (hookgate_cleanup,
// 20261122000400_operations.sql), and expired rejected requests.
import type { StoreCall } from "./functions.js";
import type { CleanupBatch } from "./rows.js";
import type { RejectionsStore } from "./rejections.js";

export type { CleanupBatch } from "./rows.js";

export interface RetentionSeconds {
  /** Events whose deliveries all finished (or that have none). */
  events: number;
  /** Dead letters, counted from when they died. */
  dead: number;
  /** The floor under both: repeats within it must still be recognised. */
  dedup: number;
}

export interface RetentionStore {
  /** One short transaction: at most `batch` events go, with their deliveries and attempts. */
  cleanupBatch(retention: RetentionSeconds, batch: number, now?: Date): Promise<CleanupBatch>;
  pruneRejections(retentionSeconds: number, batch: number): Promise<{ deleted: number }>;
}

export function retentionStore(call: StoreCall, rejections: RejectionsStore): RetentionStore {
  return {
    cleanupBatch: (retention, batch, now) =>
      call("hookgate_cleanup", {
        p_retention_seconds: Math.floor(retention.events),
        p_dead_seconds: Math.floor(retention.dead),
        p_dedup_seconds: Math.floor(retention.dedup),
        p_batch: batch,
        p_now: now?.toISOString() ?? null,
      }),
    pruneRejections: (retentionSeconds, batch) => rejections.prune(retentionSeconds, batch),
  };
}
