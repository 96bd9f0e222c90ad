// The delivery operations of the store: each one SQL function of
// supabase/migrations/20261122000100_delivery.sql, called through the Rpc port.
import type { Rpc } from "./port.js";
import type { DeliveryEvent } from "../destinations/contract.js";

/** A delivery whose lease the caller holds, with its event and the number of this attempt. */
export interface LeasedDelivery {
  id: number;
  destination: string;
  /** 1 for the first attempt. */
  attempt: number;
  event: DeliveryEvent;
}

export type RecordedOutcome = "delivered" | "retry" | "dead" | "deferred";

export interface AttemptRecord {
  id: number;
  attempt: number;
  outcome: RecordedOutcome;
  /** For retry and deferred. */
  next_attempt_at?: string;
  attempted_at: string;
  duration_ms: number;
  status?: number | null;
  error_class?: string | null;
  error?: string | null;
  response?: string | null;
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

export interface DeadLetter {
  id: number;
  destination: string;
  event_id: string;
  provider: string;
  event_type: string | null;
  received_at: string;
  dead_at: string;
  attempts: number;
  replays: number;
  last_status: number | null;
  last_error_class: string | null;
  last_error: string | null;
}

export interface DeadLetterPage {
  items: DeadLetter[];
  /** Pass as `beforeId` for the next page; null on the last. */
  next_before_id: number | null;
}

export interface DeliveryDetail {
  id: number;
  destination: string;
  status: "pending" | "in_flight" | "delivered" | "dead";
  attempts: number;
  next_attempt_at: string;
  last_status: number | null;
  last_error: string | null;
  last_error_class: string | null;
  delivered_at: string | null;
  dead_at: string | null;
  replays: number;
  created_at: string;
  event: {
    id: string;
    provider: string;
    type: string | null;
    verified: boolean;
    received_at: string;
    body: string;
    payload: unknown;
    headers: Record<string, string>;
  };
  log: {
    attempt: number;
    attempted_at: string;
    duration_ms: number;
    outcome: "delivered" | "retry" | "dead";
    status: number | null;
    error_class: string | null;
    error: string | null;
    response: string | null;
  }[];
}

export interface ReplayResult {
  dry_run: boolean;
  matched: number;
  replayed: number;
}

export interface DeliveryStore {
  /** Leases up to `limit` due deliveries (pending, or in flight with an expired lease). */
  claim(limit: number, leaseSeconds: number, now: Date, destinations?: readonly string[]): Promise<LeasedDelivery[]>;
  /** Records a batch of outcomes in one call; `stale` are those another worker has overtaken. */
  record(records: readonly AttemptRecord[]): Promise<{ recorded: number[]; stale: number[] }>;
  get(id: number): Promise<DeliveryDetail | null>;
  listDeadLetters(filter: DeadLetterFilter & { limit?: number; beforeId?: number }): Promise<DeadLetterPage>;
  /** `limit`: at most this many, oldest first (bulk replay in batches). */
  replay(
    target: { id: number } | DeadLetterFilter,
    options?: { dryRun?: boolean; now?: Date; limit?: number },
  ): Promise<ReplayResult>;
}

interface ClaimedRow {
  id: number;
  destination: string;
  attempt: number;
  event: {
    id: string;
    provider: string;
    type: string | null;
    body: string;
    payload: unknown;
    headers: Record<string, string> | null;
    received_at: string;
  };
}

export function deliveryStore(rpc: Rpc): DeliveryStore {
  const filterArgs = (filter: DeadLetterFilter) => ({
    p_destination: filter.destination ?? null,
    p_provider: filter.provider ?? null,
    p_event_type: filter.eventType ?? null,
    p_since: filter.since?.toISOString() ?? null,
    p_until: filter.until?.toISOString() ?? null,
  });
  return {
    async claim(limit, leaseSeconds, now, destinations) {
      const rows = await rpc.call<ClaimedRow[]>("hookgate_claim_deliveries", {
        p_limit: limit,
        p_lease_seconds: leaseSeconds,
        p_destinations: destinations ? [...destinations] : null,
        p_now: now.toISOString(),
      });
      return (rows ?? []).map((row) => ({
        id: Number(row.id),
        destination: row.destination,
        attempt: row.attempt,
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
      const result = await rpc.call<{ recorded: number[]; stale: number[] }>("hookgate_record_attempts", {
        p_results: records,
      });
      return { recorded: result.recorded.map(Number), stale: result.stale.map(Number) };
    },
    async get(id) {
      return (await rpc.call<DeliveryDetail | null>("hookgate_get_delivery", { p_id: id })) ?? null;
    },
    listDeadLetters: (filter) =>
      rpc.call<DeadLetterPage>("hookgate_list_dead_letters", {
        ...filterArgs(filter),
        p_limit: filter.limit ?? 50,
        p_before_id: filter.beforeId ?? null,
      }),
    replay: (target, { dryRun = false, now, limit } = {}) =>
      rpc.call<ReplayResult>("hookgate_replay", {
        p_id: "id" in target ? target.id : null,
        ...("id" in target ? {} : filterArgs(target)),
        p_dry_run: dryRun,
        p_now: now?.toISOString() ?? null,
        p_limit: limit ?? null,
      }),
  };
}
