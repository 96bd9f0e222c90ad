// The typed operations of the store, each one SQL function called through the Rpc port.
import type { Rpc, StoreTransport } from "./port.js";

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

export interface CreatedDelivery {
  id: number;
  destination: string;
}

export interface IngestResult {
  event_id: string;
  duplicate: boolean;
  deliveries: CreatedDelivery[];
}

export interface Store {
  readonly transport: StoreTransport;
  readonly rpc: Rpc;
  /** Records an event and its deliveries in one round trip; a repeat records nothing. */
  ingest(event: NewEvent): Promise<IngestResult>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export function createStore(rpc: Rpc): Store {
  return {
    transport: rpc.transport,
    rpc,
    ingest: (event) =>
      rpc.call<IngestResult>("hookgate_ingest", {
        p_source: event.source,
        p_provider: event.provider,
        p_dedup_key: event.dedupKey,
        p_event_type: event.type,
        p_verified: event.verified,
        p_body_base64: Buffer.from(event.body.buffer, event.body.byteOffset, event.body.byteLength).toString("base64"),
        p_payload: storablePayload(event.payload),
        p_headers: event.headers,
        p_destinations: event.destinations,
        p_lease_seconds: event.leaseSeconds,
        p_elapsed_ms: event.elapsedMs === undefined ? null : Math.round(event.elapsedMs),
      }),
    ping: async () => {
      await rpc.call("hookgate_ping", {});
    },
    close: () => rpc.close(),
  };
}

/**
 * jsonb cannot hold a NUL character, which JSON can escape (\u0000). Such a payload is
 * kept only as the raw body, so the event is still recorded rather than refused.
 */
function storablePayload(payload: unknown): unknown {
  if (typeof payload !== "object" || payload === null) return null;
  const json = JSON.stringify(payload);
  return json.includes("\\u0000") ? null : payload;
}
