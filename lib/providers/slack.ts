// Slack (Events API, slash commands, interactivity): `X-Slack-Signature: v0=<hex>`,
// HMAC-SHA256 with the signing secret over `v0:<X-Slack-Request-Timestamp>:<raw body>`,
// refused outside five minutes. https://api.slack.com/authentication/verifying-requests-from-slack
// Events arrive as JSON; commands and interactive payloads as forms. Slack retries a
// delivery up to 3 times (flagged by X-Slack-Retry-Num) with the same envelope event_id.
import * as z from "../config/zod.js";
import { PROVIDER_ENV } from "../config/provider-env.js";
import { answer } from "./answer.js";
import { accepted, bodyIdentity, formObject, isFormRequest, parseForm, parseJson } from "./payload.js";
import { only, signWith, verifyWith, type Scheme } from "../signing/scheme.js";
import { unixSeconds } from "../signing/timestamp.js";
import type { Parsed, Provider, WebhookRequest } from "./types.js";

const SIGNATURE = "x-slack-signature";
const TIMESTAMP = "x-slack-request-timestamp";

// An absent timestamp reads as "", which the window refuses as missing before any signing.
const scheme: Scheme<{ timestamp: string }> = {
  algorithm: "sha256",
  encoding: "hex",
  window: { pastSeconds: 300, futureSeconds: 300 },
  read(request) {
    const header = request.headers.get(SIGNATURE);
    if (!header) return { ok: false, reason: "missing_signature" };
    const signatures = header.startsWith("v0=") ? [header.slice(3).trim()] : [];
    return { ok: true, fields: { timestamp: request.headers.get(TIMESTAMP) ?? "" }, signatures };
  },
  signedBytes: ({ timestamp }, body) => [`v0:${timestamp}:`, body],
  write: ({ timestamp }, signatures) => ({ [TIMESTAMP]: timestamp, [SIGNATURE]: `v0=${only(signatures)}` }),
};

const EventEnvelope = z.looseObject({
  type: z.string().check(z.minLength(1)),
  event_id: z.optional(z.string().check(z.minLength(1))),
  challenge: z.optional(z.string()),
  team_id: z.optional(z.string()),
  event: z.optional(z.looseObject({ type: z.string().check(z.minLength(1)) })),
});

const InteractivePayload = z.looseObject({
  type: z.string().check(z.minLength(1)),
  trigger_id: z.optional(z.string().check(z.minLength(1))),
});

const SlashCommand = z.looseObject({
  command: z.optional(z.string().check(z.minLength(1))),
  trigger_id: z.optional(z.string().check(z.minLength(1))),
  payload: z.optional(z.string()),
});

export const slack: Provider = {
  name: "slack",
  secretEnv: PROVIDER_ENV.slack.secret,
  keepHeaders: ["content-type", "user-agent", "x-slack-retry-num", "x-slack-retry-reason"],

  verify: (request, options) => verifyWith(scheme, request, options),

  sign({ body, secret, now }) {
    const form = body[0] !== 0x7b; // "{": Events API JSON; anything else is a command or interaction form
    return {
      "content-type": form ? "application/x-www-form-urlencoded" : "application/json",
      ...signWith(scheme, { timestamp: unixSeconds(now) }, body, secret),
    };
  },

  parse(request) {
    return isFormRequest(request.headers) ? parseFormRequest(request) : parseEvent(request);
  },

  acknowledge(request, event, outcome) {
    if (event.type === "url_verification") {
      // parse() refuses a url_verification without its challenge.
      const { challenge } = event.payload as { challenge: string };
      return answer(JSON.stringify({ challenge }), "application/json", outcome);
    }
    // A command or an interaction is acknowledged with an empty 200: a JSON body would
    // be taken as a message to post in the channel.
    if (isFormRequest(request.headers)) return answer("", "text/plain; charset=utf-8", outcome);
    return undefined;
  },
};

function parseEvent(request: WebhookRequest): Parsed {
  const parsed = parseJson(request.body, EventEnvelope);
  if (!parsed.ok) return parsed;
  const envelope = parsed.value;
  if (envelope.type === "url_verification") {
    if (envelope.challenge === undefined) return { ok: false, reason: "unexpected body: challenge is missing" };
    return accepted({
      dedupKey: `url_verification:${envelope.challenge}`,
      type: "url_verification",
      payload: envelope,
    });
  }
  return accepted({
    dedupKey: envelope.event_id ?? bodyIdentity(request.body),
    type: envelope.event?.type ?? envelope.type,
    payload: envelope,
  });
}

function parseFormRequest(request: WebhookRequest): Parsed {
  const form = parseForm(request.body);
  if (form === null) return { ok: false, reason: "body is not UTF-8" };
  const fields = SlashCommand.safeParse(formObject(form));
  if (!fields.success) return { ok: false, reason: "unexpected body: a Slack form field is repeated" };
  const { payload, command, trigger_id } = fields.data;
  if (payload !== undefined) {
    // Interactivity: one form field `payload` holding JSON.
    const interaction = parseJson(new TextEncoder().encode(payload), InteractivePayload);
    if (!interaction.ok) return interaction;
    const value = interaction.value;
    return accepted({
      dedupKey: value.trigger_id ? `trigger:${value.trigger_id}` : bodyIdentity(request.body),
      type: value.type,
      payload: value,
    });
  }
  if (!command) return { ok: false, reason: "unexpected body: neither a command nor an interaction payload" };
  return accepted({
    dedupKey: trigger_id ? `trigger:${trigger_id}` : bodyIdentity(request.body),
    type: "slash_command",
    payload: fields.data,
  });
}
