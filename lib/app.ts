// The composition root: one explicit record of everything a function instance serves
// with — config, store, KV, routing (with its destinations), alerts, the shield, the
// delivery engine, the in-flight cap and the error reporter. Only lib/routes, lib/cli
// and scripts/tests import it; every other module is handed what it uses.
//
// Lazy where cold start needs it: the shield loads the KV's scripts on the first
// webhook, and the delivery engine's module is imported on the first delivery.
import { configuredAlerts, type AlertChannel, type Alerts } from "./alerts/index.js";
import { loadConfig, type Config } from "./config/env.js";
import type { DeliveryEngine } from "./delivery/engine.js";
import { deliverySignals } from "./delivery/signals.js";
import type { ErrorReporter, FrameServices } from "./http/endpoint.js";
import { inFlightLimit, type InFlight } from "./ingest/in-flight.js";
import { openKv } from "./kv/open.js";
import type { Kv } from "./kv/port.js";
import { setLogLevel } from "./observability/log.js";
import { secretValues } from "./observability/redact.js";
import { sentryReporter } from "./observability/sentry.js";
import { alertOnSignal } from "./operations/watch.js";
import { loadRouting } from "./routing/load.js";
import type { Router } from "./routing/router.js";
import { emptyRouting, type Routing } from "./routing/table.js";
import { openShield, type Shield } from "./shield/guard.js";
import { signingKeyring } from "./signing/keyring-source.js";
import type { Keyring } from "./signing/keyring.js";
import { openStore } from "./store/open.js";
import type { Store } from "./store/store.js";

export interface App {
  readonly config: Config;
  readonly store: Store;
  readonly kv: Kv;
  /** The routes and destinations of hookgate.routes.ts, checked at start. */
  readonly routing: Routing;
  /** The ed25519 signing keys: asymmetric forwards, the JWKS, their rotation. */
  readonly keys: Keyring;
  readonly alerts: Alerts;
  /** The cap on webhook requests this instance serves at once (HOOKGATE_MAX_IN_FLIGHT). */
  readonly inFlight: InFlight;
  /** Rate limits and rejection records, built on first use (it loads the KV's scripts). */
  shield(): Promise<Shield>;
  /** The delivery engine, its module imported on first use; its signals raise the alerts. */
  engine(): Promise<DeliveryEngine>;
  /** What the HTTP frame reads: the bearer tokens, the request-id rule, the error reporter. */
  readonly frame: FrameServices;
  close(): Promise<void>;
}

export interface AppParts {
  store?: Store;
  kv?: Kv;
  /** Only a router, no destinations (tests of the ingest path alone). */
  route?: Router;
  /** Compiled routes (lib/routing/table.ts compileRouting); default: hookgate.routes.ts. */
  routing?: Routing;
  /** The signing keys (compiled routes given above should sign with these); default: from the store or env. */
  keys?: Keyring;
  /** Where alerts go; default Slack as configured (SLACK_BOT_TOKEN, ALERT_CHANNEL_ID). */
  alertChannel?: AlertChannel;
  /** The clock of the shield, the alerts and the engine, in ms (tests move it by hand). */
  clock?: () => number;
  /** The engine's retry jitter, in [0, 1). */
  random?: () => number;
  /** Prefix of the breaker's KV keys (tests use one each). */
  breakerPrefix?: string;
  /** Where unexpected errors go; default Sentry when SENTRY_DSN is set, else nowhere. */
  report?: ErrorReporter;
}

/** Opens an app; parts given are used as they are (tests, the local server, the CLI). */
export async function openApp(config: Config, parts: AppParts = {}): Promise<App> {
  setLogLevel(config.logLevel);
  const { env } = config;
  const [store, kv] = await Promise.all([
    parts.store ?? openStore(config.store, { timeoutMs: config.storeTimeoutMs, batch: config.ingestBatch }),
    parts.kv ?? openKv(config.kv, config.kvPrefix),
  ]);
  const close = async () => {
    await Promise.all([store.close(), kv.close()]);
  };
  let routing: Routing;
  let keys: Keyring;
  try {
    keys = parts.keys ?? signingKeyring({ env, store: store.signingKeys, clock: parts.clock });
    // The routing file's actions are built with the store they use; its forwards sign with these keys.
    routing =
      parts.routing ??
      (parts.route ? { ...emptyRouting, route: parts.route } : await loadRouting(config, store, () => keys.current()));
  } catch (error) {
    // An invalid routing file fails the start; what was opened for it is closed again.
    await Promise.all([parts.store ? undefined : store.close(), parts.kv ? undefined : kv.close()]);
    throw error;
  }

  const now = parts.clock;
  const alerts = configuredAlerts({ env, kv, channel: parts.alertChannel, now });
  // Sentry itself is imported on the first report, after an answer: never at cold start.
  const report: ErrorReporter =
    parts.report ??
    (env.SENTRY_DSN
      ? sentryReporter({ dsn: env.SENTRY_DSN, environment: env.SENTRY_ENVIRONMENT, secrets: secretValues(config) })
      : () => {});

  let shield: Promise<Shield> | undefined;
  let engine: Promise<DeliveryEngine> | undefined;
  return {
    config,
    store,
    kv,
    routing,
    keys,
    alerts,
    inFlight: inFlightLimit(config.maxInFlight),
    shield() {
      if (!shield) {
        shield = openShield({ env, kv, store, alerts, now });
        // A failed build (the KV's scripts did not load) is retried by the next request.
        shield.catch(() => (shield = undefined));
      }
      return shield;
    },
    engine() {
      if (engine) return engine;
      engine = Promise.all([import("./delivery/engine.js"), import("./delivery/breaker.js")]).then(
        ([{ deliveryEngine }, { kvBreaker }]) => {
          const clock = now ? () => new Date(now()) : undefined;
          // The engine's signals (dead letters, and its breaker's openings) are the alert rules' input.
          const signals = deliverySignals();
          signals.on((signal) => alertOnSignal(alerts, signal).then(() => undefined));
          return deliveryEngine({
            deliveries: store.deliveries,
            breaker: kvBreaker(kv, { prefix: parts.breakerPrefix, clock, signals }),
            destinations: routing.destinations,
            signals,
            clock,
            random: parts.random,
          });
        },
      );
      engine.catch(() => (engine = undefined));
      return engine;
    },
    frame: {
      token: (variable) => env[variable],
      trustVercelRequestId: env.VERCEL !== undefined,
      report,
    },
    close,
  };
}

let shared: Promise<App> | undefined;

/**
 * The instance's app, from the environment: one per function instance, shared by every
 * request it serves. The only module-scope cache of services, and only a cache: a
 * failed open is retried by the next request.
 */
export function sharedApp(): Promise<App> {
  shared ??= Promise.resolve()
    .then(() => openApp(loadConfig()))
    .catch((error: unknown) => {
      shared = undefined;
      throw error;
    });
  return shared;
}
