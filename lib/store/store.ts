// The Store: one record of slices, one per entity, each built from the typed table of
// SQL functions (lib/store/functions.ts). The Rpc stays in here: a caller is handed the
// slice it needs (`store.deliveries`, `store.retention`), never a raw call.
import { clickupDirectoryStore, type ClickupDirectoryStore } from "./clickup-directory.js";
import { deliveryStore, type DeliveryStore } from "./deliveries.js";
import { eventsStore, type EventsStore } from "./events.js";
import { storeCall } from "./functions.js";
import { DEFAULT_BATCH_MAX_BYTES, DEFAULT_BATCH_MAX_ITEMS, type BatchLimits } from "./group-commit.js";
import { DEFAULT_STORE_TIMEOUT_MS } from "./deadline.js";
import { metricsStore, type MetricsStore } from "./metrics.js";
import type { Rpc, StoreTransport } from "./port.js";
import { rejectionsStore, type RejectionsStore } from "./rejections.js";
import { retentionStore, type RetentionStore } from "./retention.js";
import { signingKeysStore, type SigningKeysStore } from "./signing-keys.js";
import { whatsappUsersStore, type WhatsappUsersStore } from "./whatsapp-users.js";

export interface Store {
  readonly transport: StoreTransport;
  readonly events: EventsStore;
  readonly deliveries: DeliveryStore;
  readonly metrics: MetricsStore;
  readonly retention: RetentionStore;
  readonly rejections: RejectionsStore;
  readonly clickup: ClickupDirectoryStore;
  readonly signingKeys: SigningKeysStore;
  readonly whatsapp: WhatsappUsersStore;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface StoreOptions {
  /** Each ingest's limit, in ms, its wait for a batch included; default: the transport's (HOOKGATE_STORE_TIMEOUT_MS). */
  timeoutMs?: number;
  /** Bounds of one ingest batch (HOOKGATE_INGEST_BATCH_MAX_ITEMS, HOOKGATE_INGEST_BATCH_MAX_BYTES). */
  batch?: { maxItems?: number; maxBytes?: number };
}

export function createStore(rpc: Rpc, options: StoreOptions = {}): Store {
  const call = storeCall(rpc);
  const batch: BatchLimits = {
    maxItems: options.batch?.maxItems ?? DEFAULT_BATCH_MAX_ITEMS,
    maxBytes: options.batch?.maxBytes ?? DEFAULT_BATCH_MAX_BYTES,
    timeoutMs: options.timeoutMs ?? rpc.timeoutMs ?? DEFAULT_STORE_TIMEOUT_MS,
  };
  const rejections = rejectionsStore(call);
  return {
    transport: rpc.transport,
    events: eventsStore(call, batch),
    deliveries: deliveryStore(call),
    metrics: metricsStore(call),
    retention: retentionStore(call, rejections),
    rejections,
    clickup: clickupDirectoryStore(call),
    signingKeys: signingKeysStore(call),
    whatsapp: whatsappUsersStore(call),
    ping: async () => {
      await call("hookgate_ping", {});
    },
    close: () => rpc.close(),
  };
}
