// ClickUp: hex HMAC-SHA256 of the raw body in `X-Signature`, no timestamp.
// https://developer.clickup.com/docs/webhooksignature
// ClickUp suspends a webhook on a 401 or 410, so only a real signature failure may
// produce one (the pipeline guarantees that: every other failure has its own code).
import * as z from "../config/zod.js";
import { PROVIDER_ENV } from "../config/provider-env.js";
import { accepted, parseJson } from "./payload.js";
import { rawBodyScheme, sha256Hex, signWith, verifyWith } from "../signing/scheme.js";
import type { Provider } from "./types.js";

const ClickUpWebhook = z.looseObject({
  event: z.string().check(z.minLength(1)),
  webhook_id: z.string().check(z.minLength(1)),
  task_id: z.optional(z.string()),
  history_items: z.optional(z.array(z.looseObject({ id: z.union([z.string(), z.number()]) }))),
});
export type ClickUpWebhook = z.infer<typeof ClickUpWebhook>;

const SIGNATURE = "x-signature";

const scheme = rawBodyScheme({ encoding: "hex", header: SIGNATURE });

export const clickup: Provider = {
  name: "clickup",
  secretEnv: PROVIDER_ENV.clickup.secret,
  keepHeaders: ["content-type", "user-agent"],

  verify: (request, options) => verifyWith(scheme, request, options),

  sign({ body, secret }) {
    return { "content-type": "application/json", ...signWith(scheme, {}, body, secret) };
  },

  parse(request) {
    const parsed = parseJson(request.body, ClickUpWebhook);
    if (!parsed.ok) return parsed;
    const hook = parsed.value;
    // One webhook call carries one event with its history items; ClickUp retries
    // repeat the same item ids. Some events (e.g. taskDeleted) have none: then the
    // body itself is the identity, as it is when an id came as a number too large to be
    // exact (two such ids could round to the same value).
    const items = hook.history_items ?? [];
    const exact = items.every((item) => typeof item.id === "string" || Number.isSafeInteger(item.id));
    const itemIds = items.map((item) => String(item.id)).sort();
    const identity = itemIds.length > 0 && exact ? itemIds.join(",") : `sha256:${sha256Hex(request.body)}`;
    return accepted({
      dedupKey: `${hook.webhook_id}:${hook.event}:${identity}`,
      type: hook.event,
      payload: hook,
    });
  },
};
