// The events of the store: recorded in one round trip shared with the ingests that
// arrived meanwhile (group commit: hookgate_ingest_batch), listed and read for operators
// (hookgate_list_events, hookgate_get_event).
import type { StoreCall } from "./functions.js";
import { groupCommit, type BatchLimits } from "./group-commit.js";
import type { EventDetail, EventStatusFilter, EventSummary, IngestItem, IngestResult } from "./rows.js";
import { storableDedupKey, storableHeaders, storablePayload, storableType } from "./storable.js";

export type { EventDetail, EventStatusFilter, EventSummary, IngestResult } from "./rows.js";

export interface NewEvent {
  source: string;
  provider: string;
  dedupKey: string;
  type: string | null;
  verified: boolean;
  body: Uint8Array;
  payload: unknown;
  headers: Record<string, string>;
  destinations: readonly string[];
  /** How long the new deliveries stay leased for the attempt made after the answer. */
  leaseSeconds: number;
  /** Milliseconds spent on the request before this call: the store adds its own time to make the ack latency. */
  elapsedMs?: number;
}

export interface EventFilter {
  provider?: string;
  type?: string;
  status?: EventStatusFilter;
  dedupKey?: string;
  /** Free text: the beginning of the event id, or anywhere in the dedup key (case-insensitive). */
  search?: string;
  since?: Date;
  until?: Date;
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

export interface EventsStore {
  /** Records an event and its deliveries in one round trip; a repeat records nothing. */
  ingest(event: NewEvent): Promise<IngestResult>;
  list(filter: EventFilter, page?: { limit?: number; after?: EventCursor }): Promise<EventPage>;
  get(id: string): Promise<EventDetail | null>;
}

/** An event as a batch item, with the moment its request arrived (performance.now()). */
interface Queued {
  item: IngestItem;
  arrivedAt: number | null;
}

export function eventsStore(call: StoreCall, batch: BatchLimits): EventsStore {
  const ingest = groupCommit<Queued, IngestResult>(
    (queued) =>
      call("hookgate_ingest_batch", {
        // The ack latency runs to the batch's call: the time queued behind another is in it.
        p_items: queued.map(({ item, arrivedAt }) => {
          if (arrivedAt !== null) item.elapsed_ms = Math.round(performance.now() - arrivedAt);
          return item;
        }),
      }),
    batch,
    "store",
  );
  return {
    ingest(event) {
      const item = ingestItem(event);
      const arrivedAt = event.elapsedMs === undefined ? null : performance.now() - event.elapsedMs;
      return ingest({ item, arrivedAt }, itemBytes(item));
    },
    async list(filter, { limit = 50, after } = {}) {
      const page = await call("hookgate_list_events", {
        p_provider: filter.provider ?? null,
        p_event_type: filter.type ?? null,
        p_status: filter.status ?? null,
        p_dedup_key: filter.dedupKey ?? null,
        p_search: filter.search ?? null,
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
    async get(id) {
      return (await call("hookgate_get_event", { p_id: id })) ?? null;
    },
  };
}

/**
 * Derived fields made storable (lib/store/storable.ts): a signed body must never fail the
 * insert the same way on every retry. The raw bytes go unchanged.
 */
function ingestItem(event: NewEvent): IngestItem {
  const payload = storablePayload(event.payload);
  return {
    source: event.source,
    provider: event.provider,
    dedup_key: storableDedupKey(event.dedupKey),
    event_type: storableType(event.type),
    verified: event.verified,
    body_base64: Buffer.from(event.body.buffer, event.body.byteOffset, event.body.byteLength).toString("base64"),
    payload: payload.payload,
    payload_error: payload.error,
    headers: storableHeaders(event.headers),
    destinations: event.destinations,
    lease_seconds: event.leaseSeconds,
    elapsed_ms: null,
  };
}

/**
 * An item's share of a batch, estimated without serialising it: the body in base64, the
 * payload parsed from it (about the body's size) and the other fields.
 */
function itemBytes(item: IngestItem): number {
  const base64 = item.body_base64.length;
  return base64 + (base64 * 3) / 4 + 512;
}
