// The typed operations of the store, each one SQL function called through the Rpc port.
import type { Rpc, StoreTransport } from "./port.js";
import { storableDedupKey, storableHeaders, storablePayload, storableType } from "./storable.js";

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
    ingest: (event) => {
      // Derived fields are made storable here (lib/store/storable.ts): a signed body must
      // never fail the insert the same way on every retry. The raw bytes go unchanged.
      const payload = storablePayload(event.payload);
      return rpc.call<IngestResult>("hookgate_ingest", {
        p_source: event.source,
        p_provider: event.provider,
        p_dedup_key: storableDedupKey(event.dedupKey),
        p_event_type: storableType(event.type),
        p_verified: event.verified,
        p_body_base64: Buffer.from(event.body.buffer, event.body.byteOffset, event.body.byteLength).toString("base64"),
        p_payload: payload.payload,
        p_payload_error: payload.error,
        p_headers: storableHeaders(event.headers),
        p_destinations: event.destinations,
        p_lease_seconds: event.leaseSeconds,
        p_elapsed_ms: event.elapsedMs === undefined ? null : Math.round(event.elapsedMs),
      });
    },
    ping: async () => {
      await rpc.call("hookgate_ping", {});
    },
    close: () => rpc.close(),
  };
}
