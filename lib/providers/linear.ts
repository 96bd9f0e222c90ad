// Linear: `Linear-Signature: <hex>`, HMAC-SHA256 of the raw body. The send time, in
// milliseconds, is the body's `webhookTimestamp` (inside the signed bytes, so a replay
// cannot refresh it), else the `Linear-Timestamp` header; refused outside ±60 s.
// https://linear.app/developers/webhooks#securing-webhooks
//
// The dedup key is the hash of the signed body without `webhookTimestamp`. The
// `Linear-Delivery` id is not signed (a replay within the window could change it); and
// since a retry must pass the same 60-second check, each attempt carries its own send
// time, so the time is left out for a retry to repeat the key. The delivery id is kept
// with the headers for reference.
import * as z from "../config/zod.js";
import { PROVIDER_ENV } from "../config/provider-env.js";
import { accepted, bodyIdentity, bodyText, checked, parseJson } from "./payload.js";
import { rawBodyScheme, sha256Hex, signWith, verifyWith, type Scheme } from "../signing/scheme.js";
import { outsideWindow, readInteger } from "../signing/timestamp.js";
import type { Provider, WebhookRequest } from "./types.js";

const SIGNATURE = "linear-signature";
const TIMESTAMP = "linear-timestamp";
const DELIVERY = "linear-delivery";
const WINDOW = { pastSeconds: 60, futureSeconds: 60 };

const scheme: Scheme<object> = {
  ...rawBodyScheme({ encoding: "hex", header: SIGNATURE }),
  // The send time is read only after the signature holds: the body is then Linear's own.
  confirm(request) {
    const stale = outsideWindow(sentAt(request), request.receivedAt, WINDOW);
    return stale ? { ok: false, reason: stale } : { ok: true, verified: true };
  },
};

const LinearWebhook = z.looseObject({
  type: z.string().check(z.minLength(1)),
  action: z.string().check(z.minLength(1)),
  webhookId: z.optional(z.string()),
  webhookTimestamp: z.optional(z.number()),
  createdAt: z.optional(z.string()),
});

export const linear: Provider = {
  name: "linear",
  secretEnv: PROVIDER_ENV.linear.secret,
  keepHeaders: ["content-type", "user-agent", DELIVERY, "linear-event"],

  verify: (request, options) => verifyWith(scheme, request, options),

  sign({ body, secret, now, id }) {
    const parsed = parseJson(body, LinearWebhook);
    const event = parsed.ok && /^\w+$/.test(parsed.value.type) ? parsed.value.type : "Issue";
    return {
      "content-type": "application/json; charset=utf-8",
      "user-agent": "Linear-Webhook",
      "linear-event": event,
      [DELIVERY]: id ?? crypto.randomUUID(),
      [TIMESTAMP]: String(now.getTime()),
      ...signWith(scheme, {}, body, secret),
    };
  },

  parse(request) {
    const json = verifiedJson.get(request.body) ?? jsonOf(request.body);
    const parsed = json === undefined ? parseJson(request.body, LinearWebhook) : checked(LinearWebhook, json);
    if (!parsed.ok) return parsed;
    const hook = parsed.value;
    return accepted({
      dedupKey: identityWithoutSendTime(json, request.body),
      type: `${hook.type}.${hook.action}`,
      payload: hook,
    });
  },
};

// The JSON verify read for the timestamp, by body, so parse() does not read it again.
const verifiedJson = new WeakMap<Uint8Array, unknown>();

/** The body as JSON, or undefined when it is not. */
function jsonOf(body: Uint8Array): unknown {
  const text = bodyText(body);
  if (text === null) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * The hash of the body's JSON with `webhookTimestamp` left out (the rest in the order
 * Linear sent it; lone surrogates stay apart, as JSON.stringify escapes them).
 */
function identityWithoutSendTime(json: unknown, body: Uint8Array): string {
  if (typeof json === "object" && json !== null && !Array.isArray(json)) {
    const { webhookTimestamp: _sentAt, ...event } = json as Record<string, unknown>;
    try {
      return `sha256:${sha256Hex(JSON.stringify(event))}`;
    } catch {
      // Nested too deep to serialise: the bytes themselves are the identity.
    }
  }
  return bodyIdentity(body);
}

/** Milliseconds since the epoch: the body's webhookTimestamp, else the header. */
function sentAt(request: WebhookRequest): number | null {
  const text = bodyText(request.body);
  if (text !== null) {
    try {
      const body: unknown = JSON.parse(text);
      verifiedJson.set(request.body, body);
      if (typeof body === "object" && body !== null && "webhookTimestamp" in body) {
        const value = body.webhookTimestamp;
        return typeof value === "number" && Number.isSafeInteger(value) ? value : null;
      }
    } catch {
      // Not JSON: parse() will say so; the header may still carry the time.
    }
  }
  return readInteger(request.headers.get(TIMESTAMP));
}
