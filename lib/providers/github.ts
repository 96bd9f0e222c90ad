// GitHub: `X-Hub-Signature-256: sha256=<hex>`, HMAC-SHA256 of the raw body (JSON, or a
// form whose `payload` field holds the JSON). GitHub itself never retries; a redelivery
// (by hand or through the API) sends the same body again.
// https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries
//
// The dedup key is the hash of the signed body, not `X-GitHub-Delivery`: that header is
// not signed, so a captured request replayed with a fresh GUID would otherwise be a new
// event. The GUID is kept with the event's headers for reference.
import * as z from "../config/zod.js";
import { PROVIDER_ENV } from "../config/provider-env.js";
import { accepted, bodyIdentity, isFormRequest, parseForm, parseJson, type Checked } from "./payload.js";
import { rawBodyScheme, signWith, verifyWith } from "../signing/scheme.js";
import type { Provider } from "./types.js";

const SIGNATURE = "x-hub-signature-256";
const PREFIX = "sha256=";

const scheme = rawBodyScheme({ encoding: "hex", header: SIGNATURE, prefix: PREFIX });

const GitHubPayload = z.looseObject({
  action: z.optional(z.string()),
  hook_id: z.optional(z.number()),
  zen: z.optional(z.string()),
});

export const github: Provider = {
  name: "github",
  secretEnv: PROVIDER_ENV.github.secret,
  keepHeaders: ["content-type", "user-agent", "x-github-event", "x-github-delivery", "x-github-hook-id"],

  verify: (request, options) => verifyWith(scheme, request, options),

  sign({ body, secret, id, type }) {
    const event = type ?? eventOf(body);
    return {
      "content-type": "application/json",
      "user-agent": "GitHub-Hookshot/hookgate",
      "x-github-event": event,
      "x-github-delivery": id ?? crypto.randomUUID(),
      ...signWith(scheme, {}, body, secret),
    };
  },

  parse(request) {
    const parsed = isFormRequest(request.headers)
      ? parseFormPayload(request.body)
      : parseJson(request.body, GitHubPayload);
    if (!parsed.ok) return parsed;
    const event = request.headers.get("x-github-event");
    const action = parsed.value.action;
    return accepted({
      dedupKey: bodyIdentity(request.body),
      type: event && action ? `${event}.${action}` : event,
      payload: parsed.value,
    });
  },
};

/** GitHub's `application/x-www-form-urlencoded` content type: the JSON in a `payload` field. */
function parseFormPayload(body: Uint8Array): Checked<z.infer<typeof GitHubPayload>> {
  const payload = parseForm(body)?.get("payload");
  if (payload === null || payload === undefined) return { ok: false, reason: "unexpected body: no payload field" };
  return parseJson(new TextEncoder().encode(payload), GitHubPayload);
}

/** The event a sample body is, by its telling top-level field (for `npm run send`). */
function eventOf(body: Uint8Array): string {
  const parsed = parseJson(body, z.record(z.string(), z.unknown()));
  const keys = parsed.ok ? parsed.value : {};
  const telling: [string, string][] = [
    ["zen", "ping"],
    ["pull_request", "pull_request"],
    ["issue", "issues"],
    ["commits", "push"],
  ];
  return telling.find(([key]) => key in keys)?.[1] ?? "ping";
}
