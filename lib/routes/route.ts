// A route: what the endpoint frame checks (method, bearer, query, body) and a handler
// that receives the app. A route is a value; `served(route)` binds it to the instance's
// app (api/ entries: `export default served(health)`), `served(route, open)` to another
// (tests, the CLI's local client).
import type { App } from "../app.js";
import { endpoint, type Call, type Endpoint, type EndpointSpec } from "../http/endpoint.js";

export type RouteSpec<Q, B> = Omit<EndpointSpec<App, Q, B>, "services">;

export interface Route {
  /** The route's name in logs and metrics: `webhooks/stripe`, `admin/replay`. */
  readonly route: string;
  serve(open: () => Promise<App>): Endpoint;
}

export type RouteCall<Q, B> = Omit<Call<App, Q, B>, "services" | "authorize">;

/** A route whose handler gets the app, opened after the method check and the bearer. */
export function route<Q = undefined, B = undefined>(
  spec: RouteSpec<Q, B>,
  handler: (app: App, call: RouteCall<Q, B>) => Promise<Response>,
): Route {
  return {
    route: spec.route,
    serve: (open) =>
      endpoint({ ...spec, services: open }, async (call) => {
        const app = await call.services();
        return handler(app, call);
      }),
  };
}

/**
 * A route whose handler opens the app itself, only when it needs it: liveness, which
 * never does, a page that needs none, and the webhooks, which note their provider first.
 */
export function openingRoute<Q = undefined, B = undefined>(
  spec: RouteSpec<Q, B>,
  handler: (call: Call<App, Q, B>) => Promise<Response>,
): Route {
  return { route: spec.route, serve: (open) => endpoint({ ...spec, services: open }, handler) };
}

/**
 * The instance's app (lib/app.ts sharedApp), its module imported by the first request
 * that needs it: liveness never loads it, and no function pays for it at import.
 */
const instanceApp = (): Promise<App> => (appModule ??= import("../app.js")).then(({ sharedApp }) => sharedApp());
// Imported once: every dynamic import() resolves its specifier again, which under a
// module loader (tsx) is a message to the loader's thread, on every request.
let appModule: Promise<typeof import("../app.js")> | undefined;

/** The Vercel function of a route, on the instance's app (or the one `open` gives). */
export function served(definition: Route, open: () => Promise<App> = instanceApp): Endpoint {
  return definition.serve(open);
}
