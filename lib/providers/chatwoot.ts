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
import { z } from "zod";
import { PROVIDER_ENV } from "../config/provider-env.js";
import { accepted, bodyIdentity, parseJson } from "./payload.js";
import { decodeHex, hmac, hmacMatches, signatureVerdict } from "./signature.js";
import { secondsOutsideWindow } from "./timestamp.js";
import type { Provider } from "./types.js";

const SIGNATURE = "x-chatwoot-signature";
const TIMESTAMP = "x-chatwoot-timestamp";
const DELIVERY = "x-chatwoot-delivery";
const PREFIX = "sha256=";
const WINDOW = { pastSeconds: 300, futureSeconds: 300 };

const ChatwootWebhook = z.looseObject({
  event: z.string().min(1),
  id: z.union([z.number(), z.string()]).optional(),
});

export const chatwoot: Provider = {
  name: "chatwoot",
  secretEnv: PROVIDER_ENV.chatwoot.secret,
  unsignedEnv: PROVIDER_ENV.chatwoot.unsigned,
  keepHeaders: ["content-type", "user-agent", DELIVERY, TIMESTAMP],

  verify(request, { secrets, allowUnsigned = false }) {
    const header = request.headers.get(SIGNATURE);
    if (!header) return allowUnsigned ? { ok: true, verified: false } : { ok: false, reason: "missing_signature" };
    // Signed, but no secret to check it with (only possible with unsigned allowed):
    // the signature proves nothing here, so the event is as unverified as an unsigned one.
    if (secrets.length === 0 && allowUnsigned) return { ok: true, verified: false };
    const timestamp = request.headers.get(TIMESTAMP);
    const stale = secondsOutsideWindow(timestamp, request.receivedAt, WINDOW);
    if (stale) return { ok: false, reason: stale };
    const signature = header.startsWith(PREFIX) ? decodeHex(header.slice(PREFIX.length)) : null;
    if (!signature) return { ok: false, reason: "malformed_signature" };
    const valid = hmacMatches("sha256", secrets, [signature], `${timestamp}.`, request.body);
    return signatureVerdict(valid);
  },

  sign({ body, secret, now, id }) {
    const timestamp = String(Math.floor(now.getTime() / 1000));
    return {
      "content-type": "application/json",
      "user-agent": "Chatwoot",
      [TIMESTAMP]: timestamp,
      [DELIVERY]: id ?? crypto.randomUUID(),
      [SIGNATURE]: PREFIX + hmac("sha256", secret, `${timestamp}.`, body).toString("hex"),
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
