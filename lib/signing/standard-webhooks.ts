// Standard Webhooks signing, so a receiver can verify that a forward came from hookgate
// with any Standard Webhooks library: https://github.com/standard-webhooks/standard-webhooks
//   webhook-signature: v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<body>")>
// where key is the base64-decoded secret without its `whsec_` prefix.
import { createHmac } from "node:crypto";

const PREFIX = "whsec_";
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The signing key of a `whsec_…` secret, or a reason it is not one. */
export function signingKey(secret: string): { ok: true; key: Buffer } | { ok: false; reason: string } {
  if (!secret.startsWith(PREFIX)) return { ok: false, reason: "must start with whsec_" };
  const encoded = secret.slice(PREFIX.length);
  if (!BASE64.test(encoded)) return { ok: false, reason: "must be whsec_ followed by base64" };
  const key = Buffer.from(encoded, "base64");
  // The spec asks for 24 to 64 random bytes.
  if (key.length < 24 || key.length > 64) return { ok: false, reason: `must hold 24 to 64 bytes (has ${key.length})` };
  return { ok: true, key };
}

export interface StandardWebhookHeaders {
  "webhook-id": string;
  "webhook-timestamp": string;
  "webhook-signature": string;
}

/**
 * The three headers for one attempt. Keys come from signingKey(), checked at start;
 * with several (a secret being rotated) each signs, space-separated, and the receiver
 * accepts any one it knows.
 */
export function signStandardWebhook(
  keys: readonly Buffer[],
  id: string,
  timestamp: Date,
  body: Uint8Array,
): StandardWebhookHeaders {
  const seconds = String(Math.floor(timestamp.getTime() / 1000));
  const signatures = keys.map(
    (key) => `v1,${createHmac("sha256", key).update(`${id}.${seconds}.`).update(body).digest("base64")}`,
  );
  return { "webhook-id": id, "webhook-timestamp": seconds, "webhook-signature": signatures.join(" ") };
}
