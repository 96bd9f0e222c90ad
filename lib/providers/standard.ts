// Standard Webhooks, and Svix which sends the same scheme as `svix-*` headers. The
// scheme itself is lib/signing/standard-webhooks.ts, shared with the signed forwards;
// this adds what an inbound provider needs: secrets and public keys decoded once each,
// and the parse. Its list holds STANDARD_WEBHOOK_SECRET's `whsec_` secrets (v1) and
// STANDARD_WEBHOOK_PUBLIC_KEYS' `whpk_` keys (v1a) together: either configures it.
import type { KeyObject } from "node:crypto";
import * as z from "../config/zod.js";
import { decodeSecret, messageId, standardWebhooks, verifyStandardWebhook } from "../signing/standard-webhooks.js";
import { fromWhpk, PUBLIC_KEY_PREFIX } from "../signing/ed25519.js";
import { PROVIDER_ENV } from "../config/provider-env.js";
import { accepted, bodyIdentity, parseJson } from "./payload.js";
import { decodeBase64, signWith, type Scheme } from "../signing/scheme.js";
import { unixSeconds } from "../signing/timestamp.js";
import type { Provider } from "./types.js";

const StandardPayload = z.looseObject({ type: z.optional(z.string().check(z.minLength(1))) });

// Decoded keys by secret string: decoding once per secret, not per request.
const keys = new Map<string, Buffer>();

/** The HMAC key of a `whsec_…` secret. A secret that is not base64 is a configuration error. */
function inboundKey(secret: string): Buffer {
  let key = keys.get(secret);
  if (key === undefined) {
    const decoded = decodeSecret(secret);
    if (!decoded) throw new Error("STANDARD_WEBHOOK_SECRET: each secret must be whsec_ followed by base64");
    key = decoded;
    keys.set(secret, key);
  }
  return key;
}

const scheme: Scheme<{ id: string; timestamp: string }> = { ...standardWebhooks, key: inboundKey };

// Public keys by `whpk_` string, decoded once each (the environment checked their form).
const publicKeys = new Map<string, KeyObject>();

function publicKey(text: string): KeyObject {
  let key = publicKeys.get(text);
  if (key === undefined) {
    const decoded = fromWhpk(text, decodeBase64);
    if (!decoded)
      throw new Error("STANDARD_WEBHOOK_PUBLIC_KEYS: each key must be whpk_ followed by 32 bytes in base64");
    key = decoded;
    publicKeys.set(text, key);
  }
  return key;
}

export const standard: Provider = {
  name: "standard",
  secretEnv: PROVIDER_ENV.standard.secret,
  keepHeaders: ["content-type", "user-agent", "webhook-id", "webhook-timestamp", "svix-id", "svix-timestamp"],

  verify(request, { secrets }) {
    const hmac = secrets.filter((s) => !s.startsWith(PUBLIC_KEY_PREFIX));
    const keys = hmac.length === secrets.length ? [] : secrets.filter((s) => s.startsWith(PUBLIC_KEY_PREFIX));
    return verifyStandardWebhook(scheme, request, { secrets: hmac, publicKeys: keys.map(publicKey) });
  },

  sign({ body, secret, now, id }) {
    const fields = { id: id ?? `msg_${crypto.randomUUID().replaceAll("-", "")}`, timestamp: unixSeconds(now) };
    return { "content-type": "application/json", ...signWith(scheme, fields, body, secret) };
  },

  parse(request) {
    const parsed = parseJson(request.body, StandardPayload);
    if (!parsed.ok) return parsed;
    // The message id is the same on every retry (verify made sure it is present).
    return accepted({
      dedupKey: messageId(request.headers) ?? bodyIdentity(request.body),
      type: parsed.value.type ?? null,
      payload: parsed.value,
    });
  },
};
