// The composition root: config, store and KV, opened once per function instance and
// shared by every request it serves (module scope is a cache, never the truth).
import { loadConfig, type Config } from "./config/env.js";
import { openKv } from "./kv/open.js";
import { watchDeliverySignals } from "./operations/watch.js";
import type { Kv } from "./kv/port.js";
import { onUnexpectedError, trustVercelRequestId } from "./http/endpoint.js";
import { setLogLevel } from "./observability/log.js";
import { secretValues } from "./observability/redact.js";
import { sentryReporter } from "./observability/sentry.js";
import { loadRouting } from "./routing/load.js";
import type { Router } from "./routing/router.js";
import { emptyRouting, type Routing } from "./routing/table.js";
import { openStore } from "./store/open.js";
import type { Store } from "./store/store.js";

export interface Gateway {
  readonly config: Config;
  readonly store: Store;
  readonly kv: Kv;
  /** The routes and destinations of hookgate.routes.ts, checked at start. */
  readonly routing: Routing;
  close(): Promise<void>;
}

export interface GatewayParts {
  store?: Store;
  kv?: Kv;
  /** Only a router, no destinations (tests of the ingest path alone). */
  route?: Router;
  /** Compiled routes (lib/routing/table.ts compileRouting); default: hookgate.routes.ts. */
  routing?: Routing;
}

/** Opens a gateway; parts given are used as they are (tests, the local server). */
export async function openGateway(config: Config, parts: GatewayParts = {}): Promise<Gateway> {
  setLogLevel(config.logLevel);
  trustVercelRequestId(config.env.VERCEL !== undefined);
  if (config.env.SENTRY_DSN) {
    // Sentry itself is imported on the first report, after an answer: never at cold start.
    onUnexpectedError(
      sentryReporter({
        dsn: config.env.SENTRY_DSN,
        environment: config.env.SENTRY_ENVIRONMENT,
        secrets: secretValues(config),
      }),
    );
  }
  // Routes first: an invalid routing file fails the start before anything is opened.
  const routing = parts.routing ?? (parts.route ? { ...emptyRouting, route: parts.route } : await loadRouting(config));
  const [store, kv] = await Promise.all([
    parts.store ?? openStore(config.store, { timeoutMs: config.storeTimeoutMs }),
    parts.kv ?? openKv(config.kv, config.kvPrefix),
  ]);
  return {
    config,
    store,
    kv,
    routing,
    close: async () => {
      await Promise.all([store.close(), kv.close()]);
    },
  };
}

let shared: Promise<Gateway> | undefined;
let unwatch: (() => void) | undefined;

/** The instance's gateway turns the delivery engine's signals into alerts (lib/operations/watch.ts). */
function watched(gateway: Gateway): Gateway {
  unwatch?.();
  unwatch = watchDeliverySignals(gateway);
  return gateway;
}

/** The instance's gateway, from the environment. A failed open is retried by the next request. */
export function sharedGateway(): Promise<Gateway> {
  shared ??= Promise.resolve()
    .then(() => openGateway(loadConfig()))
    .then(watched)
    .catch((error: unknown) => {
      shared = undefined;
      throw error;
    });
  return shared;
}

/** Makes `gateway` the one every api/ route uses (the local server, whole-function tests). */
export function useGateway(gateway: Gateway | undefined): void {
  if (!gateway) {
    unwatch?.();
    unwatch = undefined;
  }
  shared = gateway ? Promise.resolve(watched(gateway)) : undefined;
}
