// The frame every api/ route runs in: method check, request id, the one mapping of
// errors to answers, security headers, and one structured log line per request.
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
      const requestId = request.headers.get("x-vercel-id") ?? crypto.randomUUID();
      const fields: LogFields = {};
      const context: RequestContext = { requestId, note: (more) => Object.assign(fields, more) };
      let response: Response;
      try {
        if (!methods.includes(request.method)) {
          throw new Rejection("method_not_allowed", `use ${allow}`, { allow });
        }
        response = await handler(request, context);
      } catch (error) {
        const { rejection, unexpected } = toRejection(error);
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
