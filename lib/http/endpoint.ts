// The frame every api/ route runs in, built from composable pieces:
//   method check → services (opened when first asked for) → bearer (`auth`) → query
//   schema → JSON body schema → handler,
// then the one mapping of errors to answers, security headers, and one structured log
// line per request. It knows no route and no service: what it needs from the app that
// serves a route (tokens, the request-id rule, the error reporter) it reads from the
// services' `frame`.
import type { Schema } from "../config/zod.js";
import { increment } from "../observability/counters.js";
import { errorFields, log, type LogFields } from "../observability/log.js";
import { after } from "./after.js";
import { requireBearer, type TokenVariable } from "./auth.js";
import { readBody } from "./body.js";
import { Rejection, rejectionResponse, toRejection } from "./errors.js";
import { parseJson, parseParams, queryOf } from "./params.js";

export type { TokenVariable } from "./auth.js";

/** Reports an unexpected error (Sentry, when configured). */
export type ErrorReporter = (error: unknown, context: LogFields) => void;

/** What the frame reads from the services of a route (the app's `frame`). */
export interface FrameServices {
  /** The value of a bearer token's variable; unset closes the routes that need it. */
  token(variable: TokenVariable): string | undefined;
  /**
   * Whether `x-vercel-id` may name the request: only on Vercel, whose edge sets it.
   * Anywhere else a client could write it into every log line, the Sentry tag and the
   * echoed header.
   */
  readonly trustVercelRequestId: boolean;
  readonly report: ErrorReporter;
}

export interface RequestContext {
  /** Fixed when first read: once the services are open, they decide whether x-vercel-id is trusted. */
  readonly requestId: string;
  /** Adds fields to this request's log line (provider, outcome, event id). */
  note(fields: LogFields): void;
  /** Work after the answer (waitUntil); an unexpected failure is reported as the request's would be. */
  after(label: string, task: () => Promise<unknown>): void;
}

export interface EndpointSpec<S, Q, B> {
  route: string;
  methods: readonly string[];
  /** Opens what the handler uses (the app), at most once per request, when a piece or the handler asks. */
  services?: () => Promise<S>;
  /** The bearer token the request must carry, checked first (it opens the services to read it). */
  auth?: TokenVariable;
  /** The query string through this schema: every bad or unknown parameter is a 400 naming it. */
  query?: Schema<Q>;
  /** A JSON body (at most 64 KiB; empty means `{}`) through this schema, each problem named. */
  body?: Schema<B>;
}

export interface Call<S, Q, B> {
  request: Request;
  context: RequestContext;
  /** The route's services, opened on first call. */
  services: () => Promise<S>;
  /** Opens the services and checks this bearer: the `auth` piece, for a handler that needs it only sometimes. */
  authorize: (variable: TokenVariable) => Promise<S>;
  query: Q;
  body: B;
}

/** A Vercel web-standard function: `export default endpoint(...)`. */
export interface Endpoint {
  fetch(request: Request): Promise<Response>;
}

/** The most an operator's JSON body may hold. */
const JSON_BODY_LIMIT_BYTES = 64 * 1024;

/** Vercel's own shape: region hops then an id, e.g. `iad1::cdg1::abcde-1700000000000-0123456789ab`. */
const VERCEL_ID = /^[a-z]{2,5}\d{1,2}(::[a-z]{2,5}\d{1,2})*::[A-Za-z0-9]{1,16}(-[A-Za-z0-9]{1,32}){1,4}$/;

export function requestIdOf(request: Request, trustVercelRequestId: boolean): string {
  const vercel = trustVercelRequestId ? request.headers.get("x-vercel-id") : null;
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

const SECURITY_HEADER_ENTRIES = Object.entries(SECURITY_HEADERS);

export function endpoint<S extends { readonly frame: FrameServices } = never, Q = undefined, B = undefined>(
  spec: EndpointSpec<S, Q, B>,
  handler: (call: Call<S, Q, B>) => Promise<Response>,
): Endpoint {
  const { route, methods } = spec;
  const allow = methods.join(", ");
  return {
    async fetch(request) {
      const started = performance.now();
      const fields: LogFields = {};
      let opened: S | undefined;
      let opening: Promise<S> | undefined;
      const services = (): Promise<S> => {
        if (!spec.services) throw new Error(`route ${route} has no services`);
        opening ??= spec.services().then((s) => (opened = s));
        return opening;
      };
      // The one bearer check, against the token the services hold.
      const authorize = async (variable: TokenVariable): Promise<S> => {
        const served = await services();
        requireBearer(request, served.frame.token(variable), variable);
        return served;
      };
      let requestId: string | undefined;
      const idOf = () => (requestId ??= requestIdOf(request, opened?.frame.trustVercelRequestId ?? false));
      const report: ErrorReporter = (error, context) => opened?.frame.report(error, context);
      const context: RequestContext = {
        get requestId() {
          return idOf();
        },
        note: (more) => Object.assign(fields, more),
        after: (label, task) => after(label, task, report),
      };
      let response: Response;
      try {
        if (!methods.includes(request.method)) {
          throw new Rejection("method_not_allowed", `use ${allow}`, { allow });
        }
        if (spec.auth) await authorize(spec.auth);
        const query = (spec.query ? parseParams(spec.query, queryOf(request)) : undefined) as Q;
        const body = (spec.body ? parseParams(spec.body, await jsonBody(request), "request") : undefined) as B;
        response = await handler({ request, context, services, authorize, query, body });
      } catch (error) {
        let { rejection, unexpected } = toRejection(error);
        if (unexpected && request.signal?.aborted) {
          // The client went away mid-request: its failure, not a bug, and nobody reads the answer.
          ({ rejection, unexpected } = { rejection: clientGone(), unexpected: false });
          increment("hookgate_client_aborts_total", { route });
          log.debug("client aborted the request", { request_id: idOf(), route, ...errorFields(error) });
        }
        fields.outcome ??= rejection.reason;
        if (unexpected) {
          log.error("unexpected error", { request_id: idOf(), route, ...errorFields(error) });
          report(error, { request_id: idOf(), route, ...fields });
        }
        response = rejectionResponse(rejection);
      }
      const headers = response.headers;
      for (const [name, value] of SECURITY_HEADER_ENTRIES) {
        if (!headers.has(name)) headers.set(name, value);
      }
      headers.set("x-request-id", idOf());
      log.info("request", {
        request_id: idOf(),
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

async function jsonBody(request: Request): Promise<unknown> {
  const raw = new TextDecoder().decode(await readBody(request, JSON_BODY_LIMIT_BYTES));
  return raw.trim() === "" ? {} : parseJson(raw);
}

function clientGone(): Rejection {
  return new Rejection("bad_request", "the client closed the request", {}, "client_aborted");
}
