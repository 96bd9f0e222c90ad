// What the delivery engine tells the rest of hookgate: a breaker opened or closed, a
// delivery was dead-lettered. Each engine owns its signals (the breaker it uses emits
// through them too); the app subscribes its alert rules once (lib/app.ts).
//
//   const stop = engine.signals.on((signal) => { if (signal.type === "dead_letter") ... });
import { errorFields, log } from "../observability/log.js";

export type DeliverySignal =
  | {
      type: "breaker_opened";
      destination: string;
      reason: "consecutive_failures" | "failure_rate";
      /** Consecutive failures, and the failed / total attempts of the current window. */
      consecutiveFailures: number;
      windowFailed: number;
      windowTotal: number;
      /** When a probe will be let through. */
      until: Date;
      at: Date;
    }
  | { type: "breaker_closed"; destination: string; at: Date }
  | {
      type: "dead_letter";
      deliveryId: number;
      destination: string;
      eventId: string;
      provider: string;
      eventType: string | null;
      attempts: number;
      status: number | null;
      errorClass: string;
      error: string;
      at: Date;
    };

export type DeliverySignalListener = (signal: DeliverySignal) => void | Promise<void>;

export interface DeliverySignals {
  /** Subscribes to every signal; returns the unsubscribe. A listener that throws is logged, never propagated. */
  on(listener: DeliverySignalListener): () => void;
  /** Calls every listener and waits for them all; the engine awaits this before its work counts as done. */
  emit(signal: DeliverySignal): Promise<void>;
}

export function deliverySignals(): DeliverySignals {
  const listeners = new Set<DeliverySignalListener>();
  return {
    on(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async emit(signal) {
      log.info("delivery signal", signalFields(signal));
      await Promise.all(
        [...listeners].map(async (listener) => {
          try {
            await listener(signal);
          } catch (error) {
            log.error("delivery signal listener failed", { signal: signal.type, ...errorFields(error) });
          }
        }),
      );
    },
  };
}

function signalFields(signal: DeliverySignal) {
  const { type, destination } = signal;
  if (signal.type === "dead_letter") {
    return {
      signal: type,
      destination,
      delivery_id: signal.deliveryId,
      event_id: signal.eventId,
      error_class: signal.errorClass,
    };
  }
  if (signal.type === "breaker_opened") return { signal: type, destination, reason: signal.reason };
  return { signal: type, destination };
}
