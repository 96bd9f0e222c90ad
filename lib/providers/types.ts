// The one interface every provider implements. A provider is a small value: it knows
// how its sender signs and identifies a webhook, and nothing about storage or HTTP.

/** What a provider sees of one request. Verification uses `body`, never a re-serialised parse. */
export interface WebhookRequest {
  /** The raw bytes exactly as received. */
  readonly body: Uint8Array;
  readonly headers: Headers;
  /**
   * The URL the provider called, as the provider knows it: PUBLIC_BASE_URL + path +
   * query when configured (behind Vercel or a proxy the function sees another host).
   */
  readonly url: string;
  readonly receivedAt: Date;
}

export type RejectReason =
  "missing_signature" | "malformed_signature" | "bad_signature" | "missing_timestamp" | "stale_timestamp";

/** Verification is a value; only misuse (no secrets at all) throws. */
export type Verification = { ok: true; verified: boolean } | { ok: false; reason: RejectReason };

export interface ProviderEvent {
  /** Unique per logical delivery from the provider: a retry of the same event repeats it. */
  dedupKey: string;
  /** The provider's event type (`taskCreated`, `payment_intent.succeeded`, ...). */
  type: string | null;
  /** The parsed body when it is JSON or a form; null otherwise. */
  payload: unknown;
}

export type Parsed = { ok: true; event: ProviderEvent } | { ok: false; reason: string };

export interface VerifyOptions {
  /**
   * Secrets from the provider's variable, in order; any one verifies. Empty only when
   * the operator allowed unsigned requests for a provider that declares `unsignedEnv`.
   */
  secrets: readonly string[];
  /** The operator turned on `unsignedEnv`: a request without a signature passes, unverified. */
  allowUnsigned?: boolean;
}

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
