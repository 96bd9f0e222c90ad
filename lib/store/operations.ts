// The operations of the store: each one SQL function of
// supabase/migrations/20261122000400_operations.sql, called through the Rpc port.
import type { Rpc } from "./port.js";

/** Counts over the last 15 minutes and the last 24 hours. */
export interface Windowed {
  last_15m: number;
  last_24h: number;
}

export interface StoreMetrics {
  now: string;
  /**
   * outcome: accepted | duplicate | rejected:<reason> (rejections are sampled: a lower bound).
   * Duplicates count when they arrived, to the minute; accepted events when they were received.
   */
  events: (Windowed & { provider: string; outcome: string })[];
  latency: {
    count: number;
    sum_ms: number;
    /** Cumulative: events acknowledged within le_ms. */
    buckets: { le_ms: number; count: number }[];
    p50_ms: number | null;
    p95_ms: number | null;
    p99_ms: number | null;
    p95_15m_ms: number | null;
  };
  deliveries: { destination: string; status: string; count: number }[];
  attempts: (Windowed & { destination: string; outcome: string })[];
  success: { last_15m: { attempts: number; delivered: number }; last_24h: { attempts: number; delivered: number } };
  dead_letters: number;
  oldest_pending_seconds: number | null;
  /** hour 0 is the latest hour. */
  hourly: { provider: string; hour: number; events: number; attempts: number; delivered: number }[];
}

export interface WeekFigures {
  since: string;
  until: string;
  events: number;
  /** Repeats acknowledged as duplicates in the week, counted when they arrived. */
  duplicates: number;
  p95_ms: number | null;
  attempts: number;
  delivered: number;
  dead_lettered: number;
  top_failing: { destination: string; failed: number; attempts: number }[];
}

export interface StoreReport {
  this_week: WeekFigures;
  last_week: WeekFigures;
}

export type EventStatus = "none" | "pending" | "delivered" | "dead";

export interface EventFilter {
  provider?: string;
  type?: string;
  status?: EventStatus;
  dedupKey?: string;
  since?: Date;
  until?: Date;
}

export interface EventSummary {
  id: string;
  provider: string;
  event_type: string | null;
  dedup_key: string;
  verified: boolean;
  received_at: string;
  ack_ms: number | null;
  duplicates: number;
  status: EventStatus;
  deliveries: number;
}

export interface EventCursor {
  receivedAt: string;
  id: string;
}

export interface EventPage {
  items: EventSummary[];
  /** The cursor of the next page; null on the last. */
  next: EventCursor | null;
}

export interface EventDetail extends Omit<EventSummary, "status" | "deliveries"> {
  source: string;
  headers: Record<string, string>;
  payload: unknown;
  /** Why payload is null although the body parsed (jsonb could not hold it). */
  payload_error: string | null;
  body_bytes: number;
  body_base64: string;
  deliveries: {
    id: number;
    destination: string;
    status: string;
    attempts: number;
    next_attempt_at: string;
    last_status: number | null;
    last_error_class: string | null;
    last_error: string | null;
    delivered_at: string | null;
    dead_at: string | null;
    replays: number;
    created_at: string;
    log: {
      attempt: number;
      attempted_at: string;
      duration_ms: number;
      outcome: string;
      status: number | null;
      error_class: string | null;
      error: string | null;
      response: string | null;
    }[];
  }[];
}

export interface CleanupBatch {
  events: number;
  deliveries: number;
  attempts: number;
  /** The batch was full: more may be waiting. */
  more: boolean;
}

export interface RetentionSeconds {
  /** Events whose deliveries all finished (or that have none). */
  events: number;
  /** Dead letters, counted from when they died. */
  dead: number;
  /** The floor under both: repeats within it must still be recognised. */
  dedup: number;
}

export interface OperationsStore {
  metrics(now?: Date): Promise<StoreMetrics>;
  report(now?: Date, top?: number): Promise<StoreReport>;
  listEvents(filter: EventFilter, page?: { limit?: number; after?: EventCursor }): Promise<EventPage>;
  getEvent(id: string): Promise<EventDetail | null>;
  cleanupBatch(retention: RetentionSeconds, batch: number, now?: Date): Promise<CleanupBatch>;
}

export function operationsStore(rpc: Rpc): OperationsStore {
  return {
    metrics(now) {
      return rpc.call<StoreMetrics>("hookgate_metrics", { p_now: now?.toISOString() ?? null });
    },
    report(now, top = 5) {
      return rpc.call<StoreReport>("hookgate_report", { p_now: now?.toISOString() ?? null, p_top: top });
    },
    async listEvents(filter, { limit = 50, after } = {}) {
      const page = await rpc.call<{ items: EventSummary[]; more: boolean }>("hookgate_list_events", {
        p_provider: filter.provider ?? null,
        p_event_type: filter.type ?? null,
        p_status: filter.status ?? null,
        p_dedup_key: filter.dedupKey ?? null,
        p_since: filter.since?.toISOString() ?? null,
        p_until: filter.until?.toISOString() ?? null,
        p_limit: limit,
        p_before_received: after?.receivedAt ?? null,
        p_before_id: after?.id ?? null,
      });
      const items = page.items;
      const last = items.at(-1);
      return { items, next: page.more && last ? { receivedAt: last.received_at, id: last.id } : null };
    },
    async getEvent(id) {
      return (await rpc.call<EventDetail | null>("hookgate_get_event", { p_id: id })) ?? null;
    },
    async cleanupBatch(retention, batch, now) {
      return rpc.call<CleanupBatch>("hookgate_cleanup", {
        p_retention_seconds: Math.floor(retention.events),
        p_dead_seconds: Math.floor(retention.dead),
        p_dedup_seconds: Math.floor(retention.dedup),
        p_batch: batch,
        p_now: now?.toISOString() ?? null,
      });
    },
  };
}
