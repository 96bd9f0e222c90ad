// Retention: deletes what is past its time in bounded batches, until nothing expired is
// left or the time budget is nearly spent; what remains goes on the next run. Each
// batch is one short transaction, so ingest never waits long behind it.
//
//   events (and their deliveries and attempts)  RETENTION_DAYS after they were received,
//       once none of their deliveries is pending or in flight
//   dead letters                                 DEAD_LETTER_RETENTION_DAYS after they died
//   rejected requests                            REJECTION_RETENTION_DAYS
//   never less than DEDUP_WINDOW_SECONDS: an event is its dedup key, and a provider
//   retrying within its window must still be told "duplicate".
import type { Env } from "../config/env.js";
import type { RetentionSeconds, RetentionStore } from "../store/retention.js";

/** The longest retry window among the providers: Stripe retries for up to 3 days. */
export const DEDUP_WINDOW_SECONDS = 3 * 86_400;

export interface RetentionPolicy extends RetentionSeconds {
  rejections: number;
}

export function retentionPolicy(env: Env): RetentionPolicy {
  return {
    events: env.RETENTION_DAYS * 86_400,
    dead: env.DEAD_LETTER_RETENTION_DAYS * 86_400,
    dedup: DEDUP_WINDOW_SECONDS,
    rejections: env.REJECTION_RETENTION_DAYS * 86_400,
  };
}

export interface CleanupOptions {
  /** Stop starting batches once a batch begun now could end after this. */
  deadline: Date;
  /** Rows per batch to start with; adjusted to keep each batch near `batchTargetMs` (default 200). */
  batch?: number;
  batchTargetMs?: number;
  /**
   * After each batch, rest this many times as long as it took (default 2: the store
   * spends a third of its time here), so ingest on the same database keeps its latency
   * (npm run bench:cleanup); past half the budget, the rest shrinks with the time left.
   */
  restRatio?: number;
  sleep?: (ms: number) => Promise<void>;
  /** The store's clock by default; tests pass a time. */
  now?: Date;
  clock?: () => number;
  /** Told of every batch (the benchmark prints them). */
  onBatch?: (batch: { table: "events" | "rejected_requests"; size: number; deleted: number; ms: number }) => void;
}

export interface CleanupReport {
  events: number;
  deliveries: number;
  attempts: number;
  rejections: number;
  batches: number;
  /** idle: nothing expired is left. deadline: stopped for time; the next run resumes. */
  stoppedBy: "idle" | "deadline";
  durationMs: number;
}

const MIN_BATCH = 10;
const MAX_BATCH = 20_000;

export async function cleanup(
  store: RetentionStore,
  policy: RetentionPolicy,
  options: CleanupOptions,
): Promise<CleanupReport> {
  const clock = options.clock ?? Date.now;
  const started = clock();
  const target = options.batchTargetMs ?? 200;
  const restRatio = options.restRatio ?? 2;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const report: CleanupReport = {
    events: 0,
    deliveries: 0,
    attempts: 0,
    rejections: 0,
    batches: 0,
    stoppedBy: "idle",
    durationMs: 0,
  };
  // The time the slowest batch took: no batch starts unless one that long still fits.
  let slowest = 0;
  const fits = () => clock() + Math.max(slowest, target) * 2 <= options.deadline.getTime();

  let batch = clamp(options.batch ?? 2_000);
  // Rejections first: few (sampled) and cheap, so a long event backlog cannot starve them.
  for (let more = true; more;) {
    if (!fits()) {
      report.stoppedBy = "deadline";
      break;
    }
    const t0 = clock();
    const { deleted } = await store.pruneRejections(policy.rejections, batch);
    slowest = Math.max(slowest, clock() - t0);
    options.onBatch?.({ table: "rejected_requests", size: batch, deleted, ms: clock() - t0 });
    report.batches++;
    report.rejections += deleted;
    more = deleted >= batch;
  }

  for (let more = report.stoppedBy === "idle"; more;) {
    if (!fits()) {
      report.stoppedBy = "deadline";
      break;
    }
    const t0 = clock();
    const result = await store.cleanupBatch(policy, batch, options.now);
    const took = clock() - t0;
    slowest = Math.max(slowest, took);
    options.onBatch?.({ table: "events", size: batch, deleted: result.events, ms: took });
    report.batches++;
    report.events += result.events;
    report.deliveries += result.deliveries;
    report.attempts += result.attempts;
    more = result.more;
    if (more && restRatio > 0) {
      // Full rests for the first half of the budget, then shorter and shorter: a large
      // backlog still gets through in one run.
      const left =
        Math.max(0, options.deadline.getTime() - clock()) / Math.max(1, options.deadline.getTime() - started);
      await sleep(took * restRatio * Math.min(1, 2 * left));
    }
    // Keep each transaction short: grow while fast, shrink when slow.
    if (took < target / 2) batch = clamp(batch * 2);
    else if (took > target) batch = clamp(Math.floor(batch / 2));
  }

  report.durationMs = clock() - started;
  return report;
}

function clamp(batch: number): number {
  return Math.min(MAX_BATCH, Math.max(MIN_BATCH, Math.floor(batch)));
}
