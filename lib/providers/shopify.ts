// Shopify: base64 HMAC-SHA256 of the raw body with the app's client secret, in
// `X-Shopify-Hmac-Sha256`; event webhooks of the newer format send the same headers
// without the `X-` (`shopify-hmac-sha256`, `shopify-topic`, `shopify-event-id`).
// https://shopify.dev/docs/apps/build/webhooks/subscribe/https#step-2-validate-the-origin-of-your-webhook
// A delivery is retried 8 times over 4 hours with the same body and event id.
//
// The dedup key is made of signed material: the hash of the body, with the topic. The
// event id (`X-Shopify-Event-Id`) is not signed, so a captured request replayed with a
// new id would otherwise be a new event; it is kept with the headers for reference.
// The topic is not signed either, but it is part of the key: one change can fire several
// topics (orders/create and orders/paid) whose bodies are the same order, byte for byte,
// and those are distinct events. A replay can therefore bring a body back only under a
// topic it was not sent with: Shopify's scheme gives no way to tell that from a real one.
import * as z from "../config/zod.js";
import { PROVIDER_ENV } from "../config/provider-env.js";
import { accepted, bodyIdentity, parseJson } from "./payload.js";
import { rawBodyScheme, signWith, verifyWith } from "../signing/scheme.js";
import type { Provider } from "./types.js";

const ShopifyPayload = z.looseObject({ id: z.optional(z.union([z.number(), z.string()])) });

/** A Shopify header in either spelling. */
function header(headers: Headers, name: string): string | null {
  return headers.get(`x-shopify-${name}`) ?? headers.get(`shopify-${name}`);
}

// Read in either spelling, written in the older one (which every receiver knows).
const scheme = rawBodyScheme({
  encoding: "base64",
  header: "x-shopify-hmac-sha256",
  find: (headers) => header(headers, "hmac-sha256"),
});

export const shopify: Provider = {
  name: "shopify",
  secretEnv: PROVIDER_ENV.shopify.secret,
  keepHeaders: [
    "content-type",
    "x-shopify-topic",
    "x-shopify-shop-domain",
    "x-shopify-event-id",
    "x-shopify-webhook-id",
    "x-shopify-api-version",
    "x-shopify-triggered-at",
    "shopify-topic",
    "shopify-shop-domain",
    "shopify-event-id",
    "shopify-webhook-id",
  ],

  verify: (request, options) => verifyWith(scheme, request, options),

  sign({ body, secret, now, id, type }) {
    return {
      "content-type": "application/json",
      "x-shopify-topic": type ?? "orders/create",
      "x-shopify-shop-domain": "hookgate-demo.myshopify.com",
      "x-shopify-api-version": "2025-10",
      "x-shopify-event-id": id ?? crypto.randomUUID(),
      "x-shopify-webhook-id": crypto.randomUUID(),
      "x-shopify-triggered-at": now.toISOString(),
      ...signWith(scheme, {}, body, secret),
    };
  },

  parse(request) {
    const parsed = parseJson(request.body, ShopifyPayload);
    if (!parsed.ok) return parsed;
    const topic = header(request.headers, "topic");
    return accepted({
      dedupKey: bodyIdentity(request.body, `topic:${topic ?? ""}`),
      type: topic,
      payload: parsed.value,
    });
  },
};
