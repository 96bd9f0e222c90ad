// Stripe: `Stripe-Signature: t=<unix s>,v1=<hex>[,v1=<hex>…]`, HMAC-SHA256 over
// `<t>.<raw body>` keyed with the whole `whsec_…` string. Several v1 entries appear
// while a secret rolls. Like stripe-node, only age is limited (300 s), not skew ahead.
// https://docs.stripe.com/webhooks#verify-manually
import * as z from "../config/zod.js";
import { PROVIDER_ENV } from "../config/provider-env.js";
import { accepted, parseJson } from "./payload.js";
import { signWith, verifyWith, type Scheme } from "../signing/scheme.js";
import { unixSeconds } from "../signing/timestamp.js";
import type { Provider } from "./types.js";

const SIGNATURE = "stripe-signature";

const scheme: Scheme<{ timestamp: string | null }> = {
  algorithm: "sha256",
  encoding: "hex",
  window: { pastSeconds: 300, futureSeconds: Infinity },
  read(request) {
    const header = request.headers.get(SIGNATURE);
    if (!header) return { ok: false, reason: "missing_signature" };
    let t: string | null = null;
    const v1: string[] = [];
    for (const item of header.split(",")) {
      const eq = item.indexOf("=");
      if (eq === -1) continue;
      const key = item.slice(0, eq).trim();
      if (key === "t") t = item.slice(eq + 1).trim();
      else if (key === "v1") v1.push(item.slice(eq + 1).trim());
    }
    if (v1.length === 0) return { ok: false, reason: "missing_signature" };
    return { ok: true, fields: { timestamp: t }, signatures: v1 };
  },
  signedBytes: ({ timestamp }, body) => [`${timestamp}.`, body],
  write: ({ timestamp }, signatures) => ({
    [SIGNATURE]: [`t=${timestamp}`, ...signatures.map((s) => `v1=${s}`)].join(","),
  }),
};

const StripeEvent = z.looseObject({
  id: z.string().check(z.minLength(1)),
  object: z.optional(z.literal("event")),
  type: z.string().check(z.minLength(1)),
  livemode: z.optional(z.boolean()),
  created: z.optional(z.number()),
});

export const stripe: Provider = {
  name: "stripe",
  secretEnv: PROVIDER_ENV.stripe.secret,
  keepHeaders: ["content-type", "user-agent"],

  verify: (request, options) => verifyWith(scheme, request, options),

  sign({ body, secret, now }) {
    return {
      "content-type": "application/json; charset=utf-8",
      ...signWith(scheme, { timestamp: unixSeconds(now) }, body, secret),
    };
  },

  parse(request) {
    const parsed = parseJson(request.body, StripeEvent);
    if (!parsed.ok) return parsed;
    // A retry of an event repeats its id; a different event never does.
    return accepted({ dedupKey: parsed.value.id, type: parsed.value.type, payload: parsed.value });
  },
};
