// What a signature check reads and what it answers: the request as received, the
// secrets to try, and a verdict that is a value (only misuse throws).

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

export interface VerifyOptions {
  /**
   * Secrets from the provider's variable, in order; any one verifies. Empty only when
   * the operator allowed unsigned requests for a provider that declares `unsignedEnv`.
   */
  secrets: readonly string[];
  /** The operator turned on `unsignedEnv`: a request without a signature passes, unverified. */
  allowUnsigned?: boolean;
}
