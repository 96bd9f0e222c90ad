// Standard Webhooks, and Svix which sends the same scheme as `svix-*` headers:
// `webhook-signature: v1,<base64> [v1,<base64>…]`, HMAC-SHA256 over
// `<webhook-id>.<webhook-timestamp>.<raw body>`, keyed with base64-decode(secret
// without `whsec_`), refused outside ±5 minutes. Any listed signature may match.
// https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md
import { z } from "zod";
import { PROVIDER_ENV } from "../config/provider-env.js";
import { accepted, bodyIdentity, parseJson } from "./payload.js";
import { decodeAll, decodeBase64, hmac, hmacMatches, signatureVerdict } from "./signature.js";
import { secondsOutsideWindow } from "./timestamp.js";
import type { Provider } from "./types.js";

const WINDOW = { pastSeconds: 300, futureSeconds: 300 };
const SECRET_PREFIX = "whsec_";

const StandardPayload = z.looseObject({ type: z.string().min(1).optional() });

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

// Decoded keys by secret string: decoding once per secret, not per request.
const keys = new Map<string, Buffer>();

/** The HMAC key of a `whsec_…` secret. A secret that is not base64 is a configuration error. */
export function signingKey(secret: string): Buffer {
  let key = keys.get(secret);
  if (key === undefined) {
    const decoded = decodeBase64(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret);
    if (!decoded) throw new Error("STANDARD_WEBHOOK_SECRET: each secret must be whsec_ followed by base64");
    key = decoded;
    keys.set(secret, key);
  }
  return key;
}

export const standard: Provider = {
  name: "standard",
  secretEnv: PROVIDER_ENV.standard.secret,
  keepHeaders: ["content-type", "user-agent", "webhook-id", "webhook-timestamp", "svix-id", "svix-timestamp"],

  verify(request, { secrets }) {
    const { id, timestamp, signature } = headersOf(request.headers);
    if (!signature || !id) return { ok: false, reason: "missing_signature" };
    const stale = secondsOutsideWindow(timestamp, request.receivedAt, WINDOW);
    if (stale) return { ok: false, reason: stale };
    const candidates = decodeAll(v1Signatures(signature), decodeBase64);
    if (!candidates || candidates.length === 0) return { ok: false, reason: "malformed_signature" };
    const valid = hmacMatches("sha256", secrets.map(signingKey), candidates, `${id}.${timestamp}.`, request.body);
    return signatureVerdict(valid);
  },

  sign({ body, secret, now, id }) {
    const msgId = id ?? `msg_${crypto.randomUUID().replaceAll("-", "")}`;
    const timestamp = String(Math.floor(now.getTime() / 1000));
    return {
      "content-type": "application/json",
      "webhook-id": msgId,
      "webhook-timestamp": timestamp,
      "webhook-signature": `v1,${hmac("sha256", signingKey(secret), `${msgId}.${timestamp}.`, body).toString("base64")}`,
    };
  },

  parse(request) {
    const parsed = parseJson(request.body, StandardPayload);
    if (!parsed.ok) return parsed;
    // The message id is the same on every retry (verify made sure it is present).
    const { id } = headersOf(request.headers);
    return accepted({
      dedupKey: id ?? bodyIdentity(request.body),
      type: parsed.value.type ?? null,
      payload: parsed.value,
    });
  },
};
