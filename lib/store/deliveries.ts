// The deliveries of the store: claimed and recorded by the engine, read, listed when
// dead and replayed by operators, made due at once ("retry now"). Each one SQL function
// of supabase/migrations/20261122000100_delivery.sql (claim and replay as replaced by
// 20261122000550_attempts_across_replays.sql) and 20261201000100_console.sql.
import type { StoreCall } from "./functions.js";
import type {
  AttemptRecord,
  DeadLetterPage,
  DeliveryDetail,
  RecordedAttempts,
  ReplayResult,
  RetryNowResult,
} from "./rows.js";

export type { AttemptRecord, DeadLetterPage, DeliveryDetail, ReplayResult, RetryNowResult } from "./rows.js";

/** The event a leased delivery carries, its body as the provider sent it. */
export interface LeasedEvent {
  id: string;
  provider: string;
  type: string | null;
  body: Uint8Array;
  payload: unknown;
  headers: Record<string, string>;
  receivedAt: Date;
}

/** A delivery whose lease the caller holds, with its event and the number of this attempt. */
export interface LeasedDelivery {
  id: number;
  destination: string;
  /** 1 for the first attempt; the count goes on across replays. */
  attempt: number;
  /** Attempts made before the last replay: the retry schedule starts over after one. */
  attemptsBeforeReplay: number;
  event: LeasedEvent;
}

export interface DeadLetterFilter {
  destination?: string;
  provider?: string;
  eventType?: string;
  /** Events received at or after. */
  since?: Date;
  /** Events received before. */
  until?: Date;
}

export interface DeliveryStore {
  /** Leases up to `limit` due deliveries (pending, or in flight with an expired lease). */
  claim(limit: number, leaseSeconds: number, now: Date, destinations?: readonly string[]): Promise<LeasedDelivery[]>;
  /** Records a batch of outcomes in one call; `stale` are those another worker has overtaken. */
  record(records: readonly AttemptRecord[]): Promise<RecordedAttempts>;
  get(id: number): Promise<DeliveryDetail | null>;
  listDeadLetters(filter: DeadLetterFilter & { limit?: number; beforeId?: number }): Promise<DeadLetterPage>;
  /** `limit`: at most this many, oldest first (bulk replay in batches). */
  replay(
    target: { id: number } | DeadLetterFilter,
    options?: { dryRun?: boolean; now?: Date; limit?: number },
  ): Promise<ReplayResult>;
  /**
   * Makes pending deliveries due at once (one, or every one the filter names), and
   * in-flight ones whose lease ran out. Those under a live lease, delivered and dead
   * ones do not move; the engine (and its breaker) decides the rest.
   */
  retryNow(
    target: { id: number } | DeadLetterFilter,
    options?: { dryRun?: boolean; now?: Date; limit?: number },
  ): Promise<RetryNowResult>;
}

export function deliveryStore(call: StoreCall): DeliveryStore {
  const filterArgs = (filter: DeadLetterFilter) => ({
    p_destination: filter.destination ?? null,
    p_provider: filter.provider ?? null,
    p_event_type: filter.eventType ?? null,
    p_since: filter.since?.toISOString() ?? null,
    p_until: filter.until?.toISOString() ?? null,
  });
  return {
    async claim(limit, leaseSeconds, now, destinations) {
      const rows = await call("hookgate_claim_deliveries", {
        p_limit: limit,
        p_lease_seconds: leaseSeconds,
        p_destinations: destinations ? [...destinations] : null,
        p_now: now.toISOString(),
      });
      return (rows ?? []).map((row) => ({
        id: Number(row.id),
        destination: row.destination,
        attempt: row.attempt,
        attemptsBeforeReplay: row.attempts_before_replay ?? 0,
        event: {
          id: row.event.id,
          provider: row.event.provider,
          type: row.event.type,
          body: Buffer.from(row.event.body, "base64"),
          payload: row.event.payload,
          headers: row.event.headers ?? {},
          receivedAt: new Date(row.event.received_at),
        },
      }));
    },
    async record(records) {
      if (records.length === 0) return { recorded: [], stale: [] };
      const result = await call("hookgate_record_attempts", { p_results: records });
      return { recorded: result.recorded.map(Number), stale: result.stale.map(Number) };
    },
    async get(id) {
      return (await call("hookgate_get_delivery", { p_id: id })) ?? null;
    },
    listDeadLetters: (filter) =>
      call("hookgate_list_dead_letters", {
        ...filterArgs(filter),
        p_limit: filter.limit ?? 50,
        p_before_id: filter.beforeId ?? null,
      }),
    replay: (target, { dryRun = false, now, limit } = {}) =>
      call("hookgate_replay", {
        // One delivery by id, or every dead one matching the filter (none: all of them).
        p_id: "id" in target ? target.id : null,
        ...filterArgs("id" in target ? {} : target),
        p_dry_run: dryRun,
        p_now: now?.toISOString() ?? null,
        p_limit: limit ?? null,
      }),
    retryNow: (target, { dryRun = false, now, limit } = {}) =>
      call("hookgate_retry_now", {
        p_id: "id" in target ? target.id : null,
        ...filterArgs("id" in target ? {} : target),
        p_dry_run: dryRun,
        p_now: now?.toISOString() ?? null,
        p_limit: limit ?? null,
      }),
  };
}
