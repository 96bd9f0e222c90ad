// The Store: one record of slices, one per entity, each built from the typed table of
// SQL functions (lib/store/functions.ts). The Rpc stays in here: a caller is handed the
// slice it needs (`store.deliveries`, `store.retention`), never a raw call.
import { clickupDirectoryStore, type ClickupDirectoryStore } from "./clickup-directory.js";
import { deliveryStore, type DeliveryStore } from "./deliveries.js";
import { eventsStore, type EventsStore } from "./events.js";
import { storeCall } from "./functions.js";
import { metricsStore, type MetricsStore } from "./metrics.js";
import type { Rpc, StoreTransport } from "./port.js";
import { rejectionsStore, type RejectionsStore } from "./rejections.js";
import { retentionStore, type RetentionStore } from "./retention.js";

export interface Store {
  readonly transport: StoreTransport;
  readonly events: EventsStore;
  readonly deliveries: DeliveryStore;
  readonly metrics: MetricsStore;
  readonly retention: RetentionStore;
  readonly rejections: RejectionsStore;
  readonly clickup: ClickupDirectoryStore;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export function createStore(rpc: Rpc): Store {
  const call = storeCall(rpc);
  const rejections = rejectionsStore(call);
  return {
    transport: rpc.transport,
    events: eventsStore(call),
    deliveries: deliveryStore(call),
    metrics: metricsStore(call),
    retention: retentionStore(call, rejections),
    rejections,
    clickup: clickupDirectoryStore(call),
    ping: async () => {
      await call("hookgate_ping", {});
    },
    close: () => rpc.close(),
  };
}
