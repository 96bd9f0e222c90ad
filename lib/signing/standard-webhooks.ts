// Standard Webhooks, written once: hookgate verifies it on /api/webhooks/standard (and
// Svix, which sends the same scheme as `svix-*` headers) and signs every forward with it,
// so a receiver can verify hookgate with any Standard Webhooks library.
//   webhook-signature: v1,<base64> [v1a,<base64>…]   (any listed signature may match)
// `v1`: HMAC-SHA256 over `<webhook-id>.<webhook-timestamp>.<raw body>`, keyed with the
// base64-decoded secret without its `whsec_` prefix; `v1a`: an ed25519 signature of the
// same bytes ("asymmetric" in the spec's table; public keys serialised `whpk_…`).
// Either is refused outside ±5 minutes.
// https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md
import { sign as ed25519Sign, verify as ed25519Verify, type KeyObject } from "node:crypto";
import { decodeBase64, signature, signedContent, verifyWith, type Scheme } from "./scheme.js";
import { secondsOutsideWindow, unixSeconds } from "./timestamp.js";
import type { Verification, WebhookRequest } from "./verdict.js";

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

/** The base64 of each `<version>,<base64>` entry of a space-separated list (other versions are skipped). */
function signaturesOf(list: string, version: "v1" | "v1a"): string[] {
  const prefix = `${version},`;
  if (list.indexOf(" ") === -1) return list.startsWith(prefix) ? [list.slice(prefix.length)] : []; // the usual single entry
  const found: string[] = [];
  for (const entry of list.split(" ")) if (entry.startsWith(prefix)) found.push(entry.slice(prefix.length));
  return found;
}

/**
 * The header naming the key a `v1a` signature was made with (its JWKS `kid`). The spec
 * names no such header (key discovery is its open issues 34 and 124) and Svix sends
 * none; the spec asks that every header be `webhook-` prefixed, hence this name.
 */
export const KEY_ID_HEADER = "webhook-key-id";

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
    return { ok: true, fields: { id, timestamp: timestamp ?? "" }, signatures: signaturesOf(signature, "v1") };
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

/** An ed25519 key that signs `v1a`, and the kid receivers look it up by. */
export interface AsymmetricKey {
  kid: string;
  key: KeyObject;
}

/** The key an asymmetric forward signs with now (the app's keyring), or null when none is current. */
export type SigningKeySource = () => Promise<AsymmetricKey | null>;

/**
 * The headers for one attempt. With several HMAC keys (a secret being rotated) each
 * signs; an asymmetric key adds its `v1a` entry, space-separated after them, and names
 * itself in `webhook-key-id`. The receiver accepts any one signature it can check.
 */
export function signStandardWebhook(
  keys: readonly Buffer[],
  id: string,
  timestamp: Date,
  body: Uint8Array,
  asymmetric?: AsymmetricKey,
): Record<string, string> {
  const fields = { id, timestamp: unixSeconds(timestamp) };
  const headers = standardWebhooks.write(
    fields,
    keys.map((key) => signature(standardWebhooks, fields, body, key)),
  );
  if (!asymmetric) return headers;
  const v1a = `v1a,${ed25519Sign(null, signedMessage(fields, body), asymmetric.key).toString("base64")}`;
  headers["webhook-signature"] = headers["webhook-signature"] ? `${headers["webhook-signature"]} ${v1a}` : v1a;
  headers[KEY_ID_HEADER] = asymmetric.kid;
  return headers;
}

/** What `v1a` signs: the same bytes as `v1` (the scheme's signedBytes, written once). */
function signedMessage(fields: StandardWebhookFields, body: Uint8Array): Buffer {
  return signedContent(standardWebhooks, fields, body);
}

export interface StandardKeys {
  /** HMAC secrets (`whsec_…`), through the scheme's key(). */
  secrets: readonly string[];
  /** Ed25519 public keys (from `whpk_…`). */
  publicKeys: readonly KeyObject[];
}

/**
 * A request checked against both kinds of key: any `v1` entry matching a secret, or any
 * `v1a` entry verifying under a public key. The timestamp window applies to both.
 */
export function verifyStandardWebhook(
  scheme: Scheme<StandardWebhookFields>,
  request: WebhookRequest,
  { secrets, publicKeys }: StandardKeys,
): Verification {
  const symmetric: Verification =
    secrets.length > 0 ? verifyWith(scheme, request, { secrets }) : { ok: false, reason: "bad_signature" };
  if (symmetric.ok || publicKeys.length === 0) return symmetric;
  const asymmetric = verifyV1a(request, publicKeys);
  if (asymmetric.ok || secrets.length === 0) return asymmetric;
  // Neither holds: the answer that says most (a v1a that was bad beats v1 entries that were absent).
  return symmetric.reason === "malformed_signature" ? asymmetric : symmetric;
}

function verifyV1a(request: WebhookRequest, publicKeys: readonly KeyObject[]): Verification {
  const { id, timestamp, signature: list } = headersOf(request.headers);
  if (!list || !id) return { ok: false, reason: "missing_signature" };
  const stale = secondsOutsideWindow(timestamp ?? "", request.receivedAt, standardWebhooks.window!);
  if (stale) return { ok: false, reason: stale };
  const candidates = signaturesOf(list, "v1a")
    .map(decodeBase64)
    .filter((bytes): bytes is Buffer => bytes !== null && bytes.length === 64);
  if (candidates.length === 0) return { ok: false, reason: "malformed_signature" };
  const message = signedMessage({ id, timestamp: timestamp ?? "" }, request.body);
  // Every pair is tried (no early exit): the time taken says nothing of which key matched.
  let valid = false;
  for (const key of publicKeys)
    for (const candidate of candidates) valid = ed25519Verify(null, message, key, candidate) || valid;
  return valid ? { ok: true, verified: true } : { ok: false, reason: "bad_signature" };
}
