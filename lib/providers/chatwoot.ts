// Chatwoot ≥ 4.11.2: `X-Chatwoot-Signature: sha256=<hex>`, HMAC-SHA256 over
// `<X-Chatwoot-Timestamp>.<raw body>`; `X-Chatwoot-Delivery` is a uuid that stays the
// same across the sender's own job retries. The sender sets no tolerance: 5 minutes here.
// Account and API-inbox webhooks are sent once and never retried, so a refusal loses
// the event for good.
//
// The dedup key is the hash of the body alone. `X-Chatwoot-Delivery` is not signed (a
// replay within the window could change it), and the timestamp is taken when each
// attempt is sent (lib/webhooks/trigger.rb signs `<now>.<payload.to_json>`), so a retry of
// an agent-bot webhook carries a new timestamp over the same body. The delivery id is
// kept with the headers for reference. Older Chatwoot signs nothing: such requests are accepted only
// when the operator sets CHATWOOT_ALLOW_UNSIGNED=true, and are stored unverified.
import * as z from "../config/zod.js";
import { PROVIDER_ENV } from "../config/provider-env.js";
import { accepted, bodyIdentity, parseJson } from "./payload.js";
import { only, signWith, verifyWith, type Scheme } from "../signing/scheme.js";
import { unixSeconds } from "../signing/timestamp.js";
import type { Provider } from "./types.js";

const SIGNATURE = "x-chatwoot-signature";
const TIMESTAMP = "x-chatwoot-timestamp";
const DELIVERY = "x-chatwoot-delivery";
const PREFIX = "sha256=";

// An absent timestamp reads as "", which the window refuses as missing before any signing.
const scheme: Scheme<{ timestamp: string }> = {
  algorithm: "sha256",
  encoding: "hex",
  window: { pastSeconds: 300, futureSeconds: 300 },
  read(request) {
    const header = request.headers.get(SIGNATURE);
    if (!header) return { ok: false, reason: "missing_signature" };
    const signatures = header.startsWith(PREFIX) ? [header.slice(PREFIX.length)] : [];
    return { ok: true, fields: { timestamp: request.headers.get(TIMESTAMP) ?? "" }, signatures };
  },
  signedBytes: ({ timestamp }, body) => [`${timestamp}.`, body],
  write: ({ timestamp }, signatures) => ({ [TIMESTAMP]: timestamp, [SIGNATURE]: PREFIX + only(signatures) }),
};

const ChatwootWebhook = z.looseObject({
  event: z.string().check(z.minLength(1)),
  id: z.optional(z.union([z.number(), z.string()])),
});

export const chatwoot: Provider = {
  name: "chatwoot",
  secretEnv: PROVIDER_ENV.chatwoot.secret,
  unsignedEnv: PROVIDER_ENV.chatwoot.unsigned,
  keepHeaders: ["content-type", "user-agent", DELIVERY, TIMESTAMP],

  // With CHATWOOT_ALLOW_UNSIGNED, verifyWith passes an unsigned request (and a signed
  // one when no secret is set) as unverified.
  verify: (request, options) => verifyWith(scheme, request, options),

  sign({ body, secret, now, id }) {
    return {
      "content-type": "application/json",
      "user-agent": "Chatwoot",
      [DELIVERY]: id ?? crypto.randomUUID(),
      ...signWith(scheme, { timestamp: unixSeconds(now) }, body, secret),
    };
  },

  parse(request) {
    const parsed = parseJson(request.body, ChatwootWebhook);
    if (!parsed.ok) return parsed;
    return accepted({
      dedupKey: bodyIdentity(request.body),
      type: parsed.value.event,
      payload: parsed.value,
    });
  },
};
