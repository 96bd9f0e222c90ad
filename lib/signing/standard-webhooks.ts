// Standard Webhooks, written once: hookgate verifies it on /api/webhooks/standard (and
// Svix, which sends the same scheme as `svix-*` headers) and signs every forward with it,
// so a receiver can verify hookgate with any Standard Webhooks library.
//   webhook-signature: v1,<base64> [v1,<base64>…]   (any listed signature may match)
// HMAC-SHA256 over `<webhook-id>.<webhook-timestamp>.<raw body>`, keyed with the
// base64-decoded secret without its `whsec_` prefix, refused outside ±5 minutes.
// https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md
import { decodeBase64, signature, type Scheme } from "./scheme.js";
import { unixSeconds } from "./timestamp.js";

const PREFIX = "whsec_";

interface StandardWebhookFields {
  readonly id: string;
  readonly timestamp: string;
}

/** The three headers, from whichever family the sender used. */
function headersOf(headers: Headers): { id: string | null; timestamp: string | null; signature: string | null } {
  const signature = headers.get("webhook-signature");
  if (signature !== null)
    return { id: headers.get("webhook-id"), timestamp: headers.get("webhook-timestamp"), signature };
  return {
    id: headers.get("svix-id"),
    timestamp: headers.get("svix-timestamp"),
    signature: headers.get("svix-signature"),
  };
}

/** The base64 of each `v1,<base64>` entry of a space-separated list (other versions are skipped). */
function v1Signatures(list: string): string[] {
  if (list.indexOf(" ") === -1) return list.startsWith("v1,") ? [list.slice(3)] : []; // the usual single entry
  const found: string[] = [];
  for (const entry of list.split(" ")) if (entry.startsWith("v1,")) found.push(entry.slice(3));
  return found;
}

/** The message id of a request in either header family (the sender's dedup key). */
export function messageId(headers: Headers): string | null {
  return headersOf(headers).id;
}

/**
 * The scheme. It takes HMAC keys, not secrets: a secret is decoded once, by
 * decodeSecret() or signingKey(), never per request.
 */
export const standardWebhooks: Scheme<StandardWebhookFields> = {
  algorithm: "sha256",
  encoding: "base64",
  window: { pastSeconds: 300, futureSeconds: 300 },
  read(request) {
    const { id, timestamp, signature } = headersOf(request.headers);
    if (!signature || !id) return { ok: false, reason: "missing_signature" };
    return { ok: true, fields: { id, timestamp: timestamp ?? "" }, signatures: v1Signatures(signature) };
  },
  signedBytes: ({ id, timestamp }, body) => [`${id}.${timestamp}.`, body],
  write: ({ id, timestamp }, signatures) => ({
    "webhook-id": id,
    "webhook-timestamp": timestamp,
    "webhook-signature": signatures.map((s) => `v1,${s}`).join(" "),
  }),
};

/**
 * The key of a secret as the official libraries read it (the `whsec_` prefix optional,
 * the rest strict base64), or null. Inbound verification accepts what they accept.
 */
export function decodeSecret(secret: string): Buffer | null {
  return decodeBase64(secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret);
}

/**
 * The signing key of a forward's `whsec_…` secret, held to the spec (hookgate's own
 * secrets have no reason to differ), or a reason it is not one. Checked at start.
 */
export function signingKey(secret: string): { ok: true; key: Buffer } | { ok: false; reason: string } {
  if (!secret.startsWith(PREFIX)) return { ok: false, reason: "must start with whsec_" };
  const key = decodeSecret(secret);
  if (key === null) return { ok: false, reason: "must be whsec_ followed by base64" };
  // The spec asks for 24 to 64 random bytes.
  if (key.length < 24 || key.length > 64) return { ok: false, reason: `must hold 24 to 64 bytes (has ${key.length})` };
  return { ok: true, key };
}

/**
 * The three headers for one attempt. With several keys (a secret being rotated) each
 * signs, space-separated, and the receiver accepts any one it knows.
 */
export function signStandardWebhook(
  keys: readonly Buffer[],
  id: string,
  timestamp: Date,
  body: Uint8Array,
): Record<string, string> {
  const fields = { id, timestamp: unixSeconds(timestamp) };
  const signatures = keys.map((key) => signature(standardWebhooks, fields, body, key));
  return standardWebhooks.write(fields, signatures);
}
