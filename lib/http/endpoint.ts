// The frame every api/ route runs in: method check, request id, the one mapping of
// errors to answers, security headers, and one structured log line per request.
import { increment } from "../observability/counters.js";
import { errorFields, log, type LogFields } from "../observability/log.js";
import { Rejection, rejectionResponse, toRejection } from "./errors.js";

export interface RequestContext {
  readonly requestId: string;
  /** Adds fields to this request's log line (provider, outcome, event id). */
  note(fields: LogFields): void;
}

export type Handler = (request: Request, context: RequestContext) => Promise<Response>;

/** A Vercel web-standard function: `export default endpoint(...)`. */
export interface Endpoint {
  fetch(request: Request): Promise<Response>;
}

/** Reports unexpected errors (Sentry, when configured); set once by the gateway. */
let report: (error: unknown, context: LogFields) => void = () => {};
export function onUnexpectedError(reporter: typeof report): void {
  report = reporter;
}

/** Reports an unexpected error raised outside a request's frame (work after the answer). */
export function reportUnexpected(error: unknown, context: LogFields): void {
  report(error, context);
}

/**
 * Whether `x-vercel-id` may name the request: only on Vercel, whose edge sets it (set
 * once by the gateway from VERCEL). Anywhere else a client could write it into every
 * log line, the Sentry tag and the echoed header.
 */
let vercelRequestIds = false;
export function trustVercelRequestId(on: boolean): void {
  vercelRequestIds = on;
}

/** Vercel's own shape: region hops then an id, e.g. `iad1::cdg1::abcde-1700000000000-0123456789ab`. */
const VERCEL_ID = /^[a-z]{2,5}\d{1,2}(::[a-z]{2,5}\d{1,2})*::[A-Za-z0-9]{1,16}(-[A-Za-z0-9]{1,32}){1,4}$/;

export function requestIdOf(request: Request): string {
  const vercel = vercelRequestIds ? request.headers.get("x-vercel-id") : null;
  return vercel && vercel.length <= 128 && VERCEL_ID.test(vercel) ? vercel : crypto.randomUUID();
}

const SECURITY_HEADERS = {
  "x-content-type-options": "nosniff",
  "cache-control": "no-store",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
  // Nothing hookgate answers needs to load anything: a page that does (the admin
  // dashboard) sets its own, narrower-than-default policy with a nonce.
  "content-security-policy": "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
};

export function endpoint(route: string, methods: readonly string[], handler: Handler): Endpoint {
  const allow = methods.join(", ");
  return {
    async fetch(request) {
      const started = performance.now();
      const requestId = requestIdOf(request);
      const fields: LogFields = {};
      const context: RequestContext = { requestId, note: (more) => Object.assign(fields, more) };
      let response: Response;
      try {
        if (!methods.includes(request.method)) {
          throw new Rejection("method_not_allowed", `use ${allow}`, { allow });
        }
        response = await handler(request, context);
      } catch (error) {
        let { rejection, unexpected } = toRejection(error);
        if (unexpected && request.signal?.aborted) {
          // The client went away mid-request: its failure, not a bug, and nobody reads the answer.
          ({ rejection, unexpected } = { rejection: clientGone(), unexpected: false });
          increment("hookgate_client_aborts_total", { route });
          log.debug("client aborted the request", { request_id: requestId, route, ...errorFields(error) });
        }
        fields.outcome ??= rejection.reason;
        if (unexpected) {
          log.error("unexpected error", { request_id: requestId, route, ...errorFields(error) });
          report(error, { request_id: requestId, route, ...fields });
        }
        response = rejectionResponse(rejection);
      }
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
        if (!response.headers.has(name)) response.headers.set(name, value);
      }
      response.headers.set("x-request-id", requestId);
      log.info("request", {
        request_id: requestId,
        route,
        method: request.method,
        status: response.status,
        ...fields,
        duration_ms: Math.round((performance.now() - started) * 100) / 100,
      });
      return response;
    },
  };
}

function clientGone(): Rejection {
  return new Rejection("bad_request", "the client closed the request", {}, "client_aborted");
}
