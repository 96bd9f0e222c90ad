// What a destination is, and what one attempt at it can come to. A delivery is the only
// way anything leaves the gateway: an HTTP forward, or a built-in action (such as the
// ClickUp ticket router) that gets the same retries, breaker, dead letters and replay.
// An action is built with what it uses (its store slice, its settings) when the routing
// file is compiled; an attempt tells it only about the attempt.

/** A recorded event, as a destination receives it. */
export interface DeliveryEvent {
  id: string;
  provider: string;
  type: string | null;
  /** The raw body exactly as the provider sent it. */
  body: Uint8Array;
  payload: unknown;
  headers: Record<string, string>;
  receivedAt: Date;
}

/**
 * Events an action recorded itself (its outbox), with their new deliveries, leased for
 * this engine as hookgate_ingest leases a webhook's: the engine attempts them right after
 * recording the attempt that made them, and the cron takes them if that never happens.
 */
export interface FollowUp {
  event: DeliveryEvent;
  deliveries: readonly { id: number; destination: string }[];
}

/** The result of one attempt. `retry` is rescheduled by the engine; `dead` stops at once. */
export type AttemptOutcome =
  | { kind: "delivered"; status?: number; response?: string; followUps?: readonly FollowUp[] }
  | { kind: "retry"; status?: number; error: string; errorClass: string; retryAfterMs?: number; response?: string }
  | { kind: "dead"; status?: number; error: string; errorClass: string; response?: string };

export interface ActionContext {
  deliveryId: number;
  /** 1 for the first attempt. */
  attempt: number;
  /** Aborted when the attempt's timeout passes. */
  signal: AbortSignal;
  /** The engine's clock at the attempt (the time an action decides with); absent: the wall clock. */
  now?: Date;
}

/** A built-in action: a function the engine calls as it would POST to a URL. */
export interface ActionDestination {
  kind: "action";
  name: string;
  run(event: DeliveryEvent, context: ActionContext): Promise<AttemptOutcome>;
}
