// An HTTP forward: POSTs the event's raw body, byte for byte, to the destination URL,
// signed with Standard Webhooks headers so the receiver can verify hookgate. Uses
// node:http with a keep-alive agent per destination (cheaper per request than fetch,
// and it gives exact control of the timeout and of how much answer is read).
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import type { AttemptOutcome, DeliveryEvent } from "./contract.js";
import type { RetryPolicy } from "../routing/policy.js";
import { classifyStatus, parseRetryAfter } from "./http-answer.js";
import { signStandardWebhook, type AsymmetricKey, type SigningKeySource } from "../signing/standard-webhooks.js";
import { errorFields } from "../observability/log.js";

export interface HttpForwardSettings {
  url: URL;
  /** HMAC keys (from `whsec_` secrets) for `v1`; empty when the destination is unsigned or asymmetric only. */
  keys: readonly Buffer[];
  /**
   * The ed25519 key `v1a` is signed with, asked for on each attempt (the keyring keeps
   * it cached, so that is no round trip: lib/signing/keyring-store.ts); unset: no `v1a`.
   */
  signingKey?: SigningKeySource;
  headers: Readonly<Record<string, string>>;
  retry: Pick<RetryPolicy, "retryClientErrors">;
}

export interface HttpAttempt {
  event: DeliveryEvent;
  attempt: number;
  signal: AbortSignal;
  now: Date;
}

/** The most of an answer kept in the delivery log. */
export const RESPONSE_KEPT_BYTES = 1024;
/** Answers longer than this are not drained for keep-alive: the socket is dropped. */
const DRAIN_LIMIT_BYTES = 64 * 1024;

export type HttpSend = (input: HttpAttempt) => Promise<AttemptOutcome>;

export function httpForward(settings: HttpForwardSettings): HttpSend {
  const secure = settings.url.protocol === "https:";
  const send = secure ? httpsRequest : httpRequest;
  const agent = secure
    ? new HttpsAgent({ keepAlive: true, maxSockets: 64 })
    : new HttpAgent({ keepAlive: true, maxSockets: 64 });

  const post = postWith(settings, send, agent);
  const signingKey = settings.signingKey;
  if (!signingKey) return (input) => post(input);
  return async (input) => {
    let key: AsymmetricKey | null;
    try {
      key = await signingKey();
    } catch (error) {
      // The store is down, or the key cannot be decrypted: nothing is sent unsigned.
      const reason = String(errorFields(error).error_message ?? error);
      return { kind: "retry", error: `no signing key: ${reason}`, errorClass: "signing_key" };
    }
    if (!key)
      return {
        kind: "retry",
        error: "no current signing key (npx hookgate keys create)",
        errorClass: "signing_key",
      };
    return post(input, key);
  };
}

function postWith(
  settings: HttpForwardSettings,
  send: typeof httpRequest,
  agent: HttpAgent,
): (input: HttpAttempt, asymmetric?: AsymmetricKey) => Promise<AttemptOutcome> {
  return ({ event, attempt, signal, now }, asymmetric) =>
    new Promise<AttemptOutcome>((resolve) => {
      if (signal.aborted) return resolve(timeout());
      const headers: Record<string, string> = {
        ...settings.headers,
        "content-type": contentType(event),
        "content-length": String(event.body.byteLength),
        "user-agent": "hookgate",
        "x-hookgate-provider": event.provider,
        "x-hookgate-attempt": String(attempt),
        ...(event.type ? { "x-hookgate-event-type": event.type } : {}),
        // Stable across retries and replays: the receiver dedups on it.
        "webhook-id": event.id,
        "webhook-timestamp": String(Math.floor(now.getTime() / 1000)),
      };
      if (settings.keys.length > 0 || asymmetric)
        Object.assign(headers, signStandardWebhook(settings.keys, event.id, now, event.body, asymmetric));

      let settled = false;
      const finish = (outcome: AttemptOutcome) => {
        if (settled) return;
        settled = true;
        signal.removeEventListener("abort", onAbort);
        resolve(outcome);
      };
      const request = send(settings.url, { method: "POST", headers, agent });
      const onAbort = () => {
        finish(timeout());
        request.destroy();
      };
      signal.addEventListener("abort", onAbort, { once: true });
      request.on("error", (error: NodeJS.ErrnoException) => {
        finish({
          kind: "retry",
          error: error.message || String(error.code),
          errorClass: networkErrorClass(error.code),
        });
      });
      request.on("response", (response) => {
        readHead(response).then(
          (text) => finish(outcomeOf(response, text, settings, now)),
          (error: NodeJS.ErrnoException) =>
            finish({
              kind: "retry",
              status: response.statusCode,
              error: error.message,
              errorClass: networkErrorClass(error.code),
            }),
        );
      });
      request.end(event.body);
    });
}

function outcomeOf(response: IncomingMessage, text: string, settings: HttpForwardSettings, now: Date): AttemptOutcome {
  const status = response.statusCode ?? 0;
  const retryAfterMs = parseRetryAfter(response.headers["retry-after"], now);
  const verdict = classifyStatus(status, retryAfterMs, settings.retry);
  const responseText = text || undefined;
  if (verdict.kind === "delivered") return { kind: "delivered", status, response: responseText };
  const error = `HTTP ${status}${response.statusMessage ? ` ${response.statusMessage}` : ""}`;
  return { ...verdict, status, error, response: responseText };
}

/** Reads the first KiB of the answer; drains the rest (for keep-alive) unless it is large. */
function readHead(response: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const kept: Buffer[] = [];
    let keptBytes = 0;
    let seen = 0;
    response.on("data", (chunk: Buffer) => {
      seen += chunk.length;
      if (keptBytes < RESPONSE_KEPT_BYTES) {
        const part = chunk.subarray(0, RESPONSE_KEPT_BYTES - keptBytes);
        kept.push(part);
        keptBytes += part.length;
      }
      if (seen > DRAIN_LIMIT_BYTES) {
        response.destroy();
        resolve(text(kept));
      }
    });
    response.on("end", () => resolve(text(kept)));
    response.on("error", reject);
    response.on("aborted", () => resolve(text(kept)));
  });
}

/** Postgres text cannot hold NUL, and a cut may split a UTF-8 sequence: both are cleaned. */
function text(chunks: Buffer[]): string {
  return Buffer.concat(chunks)
    .toString("utf8")
    .replace(/\u0000/g, "")
    .replace(/\uFFFD+$/, "");
}

function contentType(event: DeliveryEvent): string {
  const recorded = Object.entries(event.headers).find(([name]) => name.toLowerCase() === "content-type")?.[1];
  if (recorded) return recorded;
  return event.payload !== null && event.payload !== undefined ? "application/json" : "application/octet-stream";
}

function timeout(): AttemptOutcome {
  return { kind: "retry", error: "no answer before the timeout", errorClass: "timeout" };
}

const NETWORK_CLASSES: Record<string, string> = {
  ECONNREFUSED: "connection_refused",
  ECONNRESET: "connection_reset",
  EPIPE: "connection_reset",
  ENOTFOUND: "dns",
  EAI_AGAIN: "dns",
  ETIMEDOUT: "timeout",
  ECONNABORTED: "connection_reset",
  EHOSTUNREACH: "unreachable",
  ENETUNREACH: "unreachable",
  CERT_HAS_EXPIRED: "tls",
  DEPTH_ZERO_SELF_SIGNED_CERT: "tls",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "tls",
  ERR_TLS_CERT_ALTNAME_INVALID: "tls",
};

function networkErrorClass(code: string | undefined): string {
  return (code && NETWORK_CLASSES[code]) ?? "network";
}
