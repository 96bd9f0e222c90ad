// Twilio (SMS and WhatsApp, inbound messages and status callbacks): base64 HMAC-SHA1
// with the auth token, in `X-Twilio-Signature`, over the full URL Twilio called
// followed by each POST parameter's name and value, sorted.
// https://www.twilio.com/docs/usage/security#validating-requests
//
// The URL is taken byte for byte (never through `new URL()`, which lowercases the host
// and re-encodes characters); the pipeline rebuilds it from PUBLIC_BASE_URL. Twilio's
// own SDKs also accept it with the default port added or removed, and so does this.
// JSON bodies are not signed as parameters: Twilio adds `bodySHA256=<hex>` to the URL,
// signs the URL alone, and the body must hash to that value.
//
// Dedup keys come from signed material only. `I-Twilio-Idempotency-Token` is not signed
// (a captured request replayed with a new token would be a new event), so it is kept
// with the headers for reference: a message or call is its sid and status; anything else
// is the hash of what was signed, the sorted parameters (a form's parameters can be
// reordered without touching the signature) or, for JSON, the body.
import * as z from "../config/zod.js";
import { PROVIDER_ENV } from "../config/provider-env.js";
import { answer } from "./answer.js";
import { accepted, bodyIdentity, bodyText, formObject, parseForm, parseJson } from "./payload.js";
import {
  decodeHex,
  only,
  sameBytes,
  sha256Hex,
  signWith,
  verifyWith,
  type Scheme,
  type Signed,
} from "../signing/scheme.js";
import type { Provider, Verification, WebhookRequest } from "./types.js";

const SIGNATURE = "x-twilio-signature";
const IDEMPOTENCY = "i-twilio-idempotency-token";
/** An empty TwiML document: "received, nothing to say". */
const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

const TwilioParams = z.looseObject({
  AccountSid: z.optional(z.string()),
  MessageSid: z.optional(z.string()),
  SmsSid: z.optional(z.string()),
  MessageStatus: z.optional(z.string()),
  SmsStatus: z.optional(z.string()),
  CallSid: z.optional(z.string()),
  CallStatus: z.optional(z.string()),
  From: z.optional(z.string()),
});

const JsonBody = z.unknown();

const verified: Verification = { ok: true, verified: true };

interface TwilioSigned extends Signed {
  readonly url: string;
  /** The sorted parameters (empty for a JSON callback); null when the body is not UTF-8. */
  readonly params: string | null;
  /** The `bodySHA256` of a JSON callback's URL, checked once the URL's signature holds. */
  readonly bodyHash: string | null;
}

const scheme: Scheme<TwilioSigned> = {
  algorithm: "sha1",
  encoding: "base64",
  read(request) {
    const header = request.headers.get(SIGNATURE);
    if (!header) return { ok: false, reason: "missing_signature" };
    const bodyHash = queryParam(request.url, "bodySHA256");
    const params = bodyHash === null ? signedParams(request.body) : "";
    return { ok: true, fields: { url: request.url, params, bodyHash }, signatures: [header.trim()] };
  },
  signedBytes: ({ url, params }) => (params === null ? null : [url + params]),
  write: (_, signatures) => ({ [SIGNATURE]: only(signatures) }),
  // The URL as received first; the other port spelling only when that fails.
  otherwise: (fields) => ({ ...fields, url: togglePort(fields.url) }),
  confirm: (request, { bodyHash }) => (bodyHash === null ? verified : bodyMatches(request.body, bodyHash)),
};

export const twilio: Provider = {
  name: "twilio",
  secretEnv: PROVIDER_ENV.twilio.secret,
  keepHeaders: ["content-type", "user-agent", IDEMPOTENCY],

  verify: (request, options) => verifyWith(scheme, request, options),

  sign({ body, secret, url, id }) {
    const bodyHash = queryParam(url, "bodySHA256");
    const params = bodyHash === null ? (signedParams(body) ?? "") : "";
    return {
      "content-type": bodyHash === null ? "application/x-www-form-urlencoded" : "application/json",
      ...signWith(scheme, { url, params, bodyHash }, body, secret),
      [IDEMPOTENCY]: id ?? `${crypto.randomUUID()}-${Date.now()}`,
    };
  },

  parse(request) {
    if (queryParam(request.url, "bodySHA256") !== null) return parseJsonCallback(request);
    const form = parseForm(request.body);
    if (form === null) return { ok: false, reason: "body is not UTF-8" };
    const payload = formObject(form);
    const checked = TwilioParams.safeParse(payload);
    if (!checked.success) return { ok: false, reason: "unexpected body: a Twilio parameter is repeated" };
    const p = checked.data;

    const messageSid = p.MessageSid ?? p.SmsSid;
    const channel = p.From?.startsWith("whatsapp:") ? "whatsapp" : "sms";
    if (messageSid) {
      // A status callback repeats the message sid once per status; an inbound message
      // arrives once (SmsStatus "received"). Retries repeat both.
      const status = p.MessageStatus ?? p.SmsStatus ?? "received";
      const type = p.MessageStatus ? `${channel}.status.${p.MessageStatus}` : `${channel}.inbound`;
      return accepted({ dedupKey: `${messageSid}:${status}`, type, payload });
    }
    if (p.CallSid) {
      return accepted({
        dedupKey: `${p.CallSid}:${p.CallStatus ?? ""}`,
        type: `voice.${p.CallStatus ?? "call"}`,
        payload,
      });
    }
    return accepted({ dedupKey: `params:${sha256Hex(signedParams(request.body) ?? "")}`, type: null, payload });
  },

  acknowledge(request, _event, outcome) {
    // JSON callbacks (Event Streams and the like) take hookgate's JSON; every form
    // webhook gets TwiML, which is what an inbound message must be answered with.
    if (queryParam(request.url, "bodySHA256") !== null) return undefined;
    return answer(EMPTY_TWIML, "text/xml; charset=utf-8", outcome);
  },
};

function parseJsonCallback(request: WebhookRequest) {
  const parsed = parseJson(request.body, JsonBody);
  if (!parsed.ok) return parsed;
  const body = parsed.value;
  const type = isRecord(body) && typeof body.type === "string" ? body.type : null;
  return accepted({ dedupKey: bodyIdentity(request.body), type, payload: body });
}

function bodyMatches(body: Uint8Array, bodyHash: string): Verification {
  const expected = decodeHex(bodyHash);
  const actual = Buffer.from(sha256Hex(body), "hex");
  return expected && sameBytes(expected, actual) ? verified : { ok: false, reason: "bad_signature" };
}

/**
 * The parameter part of the signed string: names sorted, each followed by its value;
 * a repeated name contributes each distinct value, sorted (as Twilio's SDKs compute it).
 * Null when the body is not UTF-8 (Twilio never sends that).
 */
function signedParams(body: Uint8Array): string | null {
  if (body.length === 0) return "";
  const text = bodyText(body);
  if (text === null) return null;
  const form = new URLSearchParams(text);
  form.sort(); // by name, in code-unit order, keeping a repeated name's values in order
  let data = "";
  let name: string | undefined;
  let values: string[] = [];
  for (const [key, value] of form) {
    if (key !== name) {
      if (name !== undefined) data += signedValues(name, values);
      name = key;
      values = [];
    }
    values.push(value);
  }
  return name === undefined ? data : data + signedValues(name, values);
}

/** `name + value` for each distinct value of one name, sorted. */
function signedValues(name: string, values: string[]): string {
  if (values.length === 1) return name + values[0]!;
  let data = "";
  for (const value of [...new Set(values)].sort()) data += name + value;
  return data;
}

/** One query parameter, read without normalising the URL; null when absent. */
function queryParam(url: string, name: string): string | null {
  const start = url.indexOf("?");
  if (start === -1) return null;
  const end = url.indexOf("#", start);
  return new URLSearchParams(url.slice(start + 1, end === -1 ? undefined : end)).get(name);
}

/**
 * The same URL with the port spelled the other way: `https://h/x` ↔ `https://h:443/x`
 * (any explicit port is removed, as Twilio's SDKs do). User info and path are kept as they are.
 */
export function togglePort(url: string): string {
  const match = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)/i.exec(url);
  if (!match) return url;
  const [prefix, scheme, authority] = match as unknown as [string, string, string];
  const at = authority.lastIndexOf("@");
  const userInfo = authority.slice(0, at + 1);
  const hostAndPort = authority.slice(at + 1);
  // A colon starts the port only after an IPv6 literal's closing bracket.
  const colon = hostAndPort.indexOf(":", hostAndPort.lastIndexOf("]") + 1);
  const rest = url.slice(prefix.length);
  if (colon !== -1) return scheme + userInfo + hostAndPort.slice(0, colon) + rest;
  const port = scheme.toLowerCase() === "https://" ? ":443" : ":80";
  return scheme + userInfo + hostAndPort + port + rest;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
