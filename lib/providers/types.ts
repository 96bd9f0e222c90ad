// The one interface every provider implements. A provider is a small value: it knows
// how its sender signs and identifies a webhook, and nothing about storage or HTTP.
// What a request and a verdict are belongs to the signing schemes (lib/signing/verdict.ts).
import type { Verification, VerifyOptions, WebhookRequest } from "../signing/verdict.js";

export type { Verification, VerifyOptions, WebhookRequest } from "../signing/verdict.js";

export interface ProviderEvent {
  /** Unique per logical delivery from the provider: a retry of the same event repeats it. */
  dedupKey: string;
  /** The provider's event type (`taskCreated`, `payment_intent.succeeded`, ...). */
  type: string | null;
  /** The parsed body when it is JSON or a form; null otherwise. */
  payload: unknown;
}

export type Parsed = { ok: true; event: ProviderEvent } | { ok: false; reason: string };

/** What a sender signs: used by `npm run send`, the tests and the benchmarks. */
export interface SignInput {
  body: Uint8Array;
  secret: string;
  /** The URL the request goes to (Twilio signs it). */
  url: string;
  /** Signing time (providers with a timestamp window). */
  now: Date;
  /** Headers the sender would also set, such as a delivery id; generated when absent. */
  id?: string;
  /** The event type, for providers that name it in a header (GitHub, Shopify); inferred when absent. */
  type?: string;
}

export interface Provider {
  /** Route and source name: `/api/webhooks/<name>`. */
  readonly name: string;
  /** The environment variable holding its comma-separated secrets. */
  readonly secretEnv: string;
  /**
   * A boolean variable that lets the provider accept requests it cannot verify (stored
   * with verified=false), for senders that predate signing (Chatwoot < 4.11.2).
   * Absent for every provider that always signs: those never accept unsigned.
   */
  readonly unsignedEnv?: string;
  /** Request headers worth keeping with the event (ids, topics; never signatures). */
  readonly keepHeaders: readonly string[];
  verify(request: WebhookRequest, options: VerifyOptions): Verification;
  /** The headers the provider itself would send with this body (signature, ids, type). */
  sign(input: SignInput): Record<string, string>;
  /** Reads type, dedup key and payload from a verified request. */
  parse(request: WebhookRequest): Parsed;
  /**
   * The answer the provider expects, when it is not hookgate's default JSON
   * (Twilio wants TwiML, Slack's url_verification wants its challenge back).
   */
  acknowledge?(
    request: WebhookRequest,
    event: ProviderEvent,
    outcome: { id: string; duplicate: boolean },
  ): Response | undefined;
}
