// The two Twilio Messages API calls the onboarding makes, with plain fetch: the `twilio`
// package is not loaded (a webhook function's cold start would pay for its size), and
// these two calls need nothing from it. Each returns a value: the result, or the attempt
// outcome its failure comes to.
// https://www.twilio.com/docs/messaging/api/message-resource#create-a-message-resource
// https://www.twilio.com/docs/messaging/api/message-resource#read-multiple-message-resources
// https://www.twilio.com/docs/api/errors
//
// Twilio's answers echo the recipient and the body (which holds the code): no failure
// text here repeats Twilio's message, and what is kept of a success is its sid and status.
import { createHash } from "node:crypto";
import type { AttemptOutcome } from "../contract.js";
import { classifyStatus, parseRetryAfter } from "../http-answer.js";
import type { TwilioApiSettings } from "./settings.js";

export type Failure = Extract<AttemptOutcome, { kind: "retry" | "dead" }>;
export type ApiResult<T> = { ok: true; value: T } | { ok: false; failure: Failure };

/** Twilio errors that no retry can mend: the number is invalid, unreachable or unsubscribed. */
export const UNDELIVERABLE = new Map<number, string>([
  [21211, "invalid 'To' number"],
  [21408, "the region of the number is not enabled"],
  [21610, "the recipient unsubscribed (STOP)"],
  [21612, "the 'To' number cannot be reached from this sender"],
  [21614, "the 'To' number is not a mobile number"],
  [63003, "the channel could not find the 'To' address"],
  [63016, "outside the 24-hour window: freeform messages need a template"],
  [63024, "invalid message recipient"],
]);

export interface SentMessage {
  sid: string;
  status: string | null;
}

export interface OutgoingMessage {
  to: string;
  from: string;
  body: string;
}

export interface TwilioMessagesApi {
  send(message: OutgoingMessage, signal?: AbortSignal): Promise<ApiResult<SentMessage>>;
  /** A message with this body already created from `from` to `to` since `since`, if any. */
  findSent(message: OutgoingMessage, since: Date, signal?: AbortSignal): Promise<ApiResult<SentMessage | null>>;
}

interface TwilioMessage {
  sid?: string;
  status?: string;
  body?: string;
  date_created?: string;
}

export function twilioMessagesApi(settings: TwilioApiSettings, fetchImpl: typeof fetch = fetch): TwilioMessagesApi {
  const path = `/2010-04-01/Accounts/${encodeURIComponent(settings.accountSid)}/Messages.json`;
  const authorization = `Basic ${Buffer.from(`${settings.accountSid}:${settings.authToken}`).toString("base64")}`;

  async function call(method: "GET" | "POST", query: URLSearchParams, signal?: AbortSignal) {
    const url = `${settings.baseUrl}${path}${method === "GET" ? `?${query.toString()}` : ""}`;
    let response: Response;
    try {
      response = await fetchImpl(url, {
        method,
        headers: {
          authorization,
          accept: "application/json",
          ...(method === "POST" ? { "content-type": "application/x-www-form-urlencoded" } : {}),
        },
        body: method === "POST" ? query.toString() : undefined,
        signal,
      });
    } catch (error) {
      const timeout = (error as { name?: string } | null)?.name === "AbortError";
      return {
        ok: false as const,
        failure: {
          kind: "retry" as const,
          error: `${method} Messages.json: ${timeout ? "no answer in time" : "no answer (network)"}`,
          errorClass: timeout ? "timeout" : "network",
        },
      };
    }
    const text = await response.text().catch(() => "");
    let json: unknown;
    try {
      json = text === "" ? null : JSON.parse(text);
    } catch {
      json = null;
    }
    if (!response.ok) return { ok: false as const, failure: failureOf(method, response, json) };
    return { ok: true as const, value: json };
  }

  return {
    async send(message, signal) {
      const form = new URLSearchParams({ To: message.to, From: message.from, Body: message.body });
      const result = await call("POST", form, signal);
      if (!result.ok) return result;
      const sent = result.value as TwilioMessage | null;
      if (typeof sent?.sid !== "string") {
        return {
          ok: false,
          failure: { kind: "retry", error: "Twilio answered without a message sid", errorClass: "twilio_bad_response" },
        };
      }
      return { ok: true, value: { sid: sent.sid, status: sent.status ?? null } };
    },
    async findSent(message, since, signal) {
      // Filtered by sender and recipient, newest first; the body is compared by hash.
      const query = new URLSearchParams({ To: message.to, From: message.from, PageSize: "50" });
      const result = await call("GET", query, signal);
      if (!result.ok) return result;
      const listed = (result.value as { messages?: TwilioMessage[] } | null)?.messages ?? [];
      const wanted = bodyHash(message.body);
      const found = listed.find(
        (m) =>
          typeof m.sid === "string" &&
          typeof m.body === "string" &&
          bodyHash(m.body) === wanted &&
          !(m.date_created && Date.parse(m.date_created) < since.getTime() - 60_000),
      );
      return { ok: true, value: found ? { sid: found.sid!, status: found.status ?? null } : null };
    },
  };
}

function bodyHash(body: string): string {
  return createHash("sha256").update(body.normalize("NFC")).digest("hex");
}

/** Twilio's answer as an outcome: undeliverable numbers dead, 429/20429 after Retry-After, 5xx retried. */
export function failureOf(method: string, response: Response, json: unknown): Failure {
  const status = response.status;
  const code = typeof (json as { code?: unknown } | null)?.code === "number" ? (json as { code: number }).code : null;
  const error = `${method} Messages.json: Twilio answered ${status}${code === null ? "" : ` (error ${code})`}`;
  const meaning = code === null ? undefined : UNDELIVERABLE.get(code);
  if (meaning) return { kind: "dead", status, error: `${error}: ${meaning}`, errorClass: `twilio_${code}` };
  const retryAfterMs = parseRetryAfter(response.headers.get("retry-after"), new Date());
  if (status === 429 || code === 20429) {
    return {
      kind: "retry",
      status,
      error: `${error}: rate limited`,
      errorClass: "twilio_rate_limited",
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    };
  }
  const classified = classifyStatus(status, retryAfterMs);
  if (classified.kind === "delivered") return { kind: "retry", status, error, errorClass: "twilio_bad_response" };
  return { ...classified, status, error, errorClass: code === null ? classified.errorClass : `twilio_${code}` };
}
