// The shape of hookgate.routes.ts, the one file a deploying team edits to say which
// events go where. Plain typed values; lib/routing/table.ts checks them at start.
import type { Env } from "../config/env.js";
import type { Store } from "../store/store.js";
import type { BreakerPolicy } from "./policy.js";
import type { ActionDestination } from "../destinations/contract.js";
import type { RetryPolicy } from "./policy.js";
import type { ProviderEvent } from "../providers/types.js";
import type { Router } from "./router.js";

/**
 * The provider name of the events hookgate records itself (the outbox of a built-in
 * action: `user.verified`, an outgoing message). A route names it as any provider:
 * `{ provider: "hookgate", events: ["user.verified"], to: ["crm"] }`.
 */
export const HOOKGATE_PROVIDER = "hookgate";

/** A destination's retry settings, as the routing file writes them. */
export interface RetryDefinition extends Partial<RetryPolicy> {
  /**
   * Attempts in all, the first included (1–50). Cuts the schedule short, or extends it
   * by repeating its last delay; after the last attempt the delivery is dead.
   */
  maxAttempts?: number;
}

/** Per-destination overrides of the engine's defaults. */
export interface DeliveryPolicy {
  /** Milliseconds an attempt may take (default 10 000, at most 45 000). */
  timeoutMs?: number;
  /**
   * `schedule`: delay in ms before each attempt, the first included (default
   * DEFAULT_SCHEDULE_MS); `maxAttempts`; `jitter` (default 0.1); `retryClientErrors`:
   * retry 4xx answers other than 408/410/429 too (true, or a list of statuses).
   */
  retry?: RetryDefinition;
  breaker?: Partial<BreakerPolicy>;
}

/**
 * How a forward is signed (Standard Webhooks): `symmetric`, `v1` with the forward's
 * `whsec_` secret (the receiver holds it too); `asymmetric`, `v1a` with the deployment's
 * current ed25519 key (the receiver needs only the public key, from the JWKS);
 * `both`, each, in one `webhook-signature` header.
 */
export type SigningMode = "symmetric" | "asymmetric" | "both";

/** POST the raw body to `url`, re-signed with Standard Webhooks headers. */
export interface HttpForwardDefinition extends DeliveryPolicy {
  kind: "http";
  url: string;
  /** Default `symmetric`. */
  signing?: SigningMode;
  /**
   * `whsec_<base64>` secret(s) the receiver verifies with. Several sign at once (for
   * rotation). Required unless the forward is `signing: "asymmetric"`, or `unsigned: true`
   * says plainly that the receiver checks nothing.
   */
  secret?: string | readonly string[];
  unsigned?: boolean;
  /** Extra request headers (an API key the receiver wants, say). */
  headers?: Record<string, string>;
}

/** A built-in action (lib/destinations/contract.ts), optionally with its own policy. */
export type ActionDefinition = ActionDestination & DeliveryPolicy;

export type DestinationDefinition = HttpForwardDefinition | ActionDefinition;

export interface RouteDefinition {
  /** Provider name, as in /api/webhooks/<provider>. */
  provider: string;
  /** Event types that match; omitted or "*" for every type. */
  events?: readonly string[] | "*";
  /** Optional predicate on the parsed payload; an exception counts as no match. */
  when?: (payload: unknown, event: ProviderEvent) => boolean;
  /** Destination names (keys of `destinations`). */
  to: readonly string[];
}

export interface RoutingDefinition {
  /** By name. A falsy value (a destination whose variables are not set) is skipped. */
  destinations: Record<string, DestinationDefinition | undefined | null | false>;
  routes: readonly RouteDefinition[];
}

export interface RoutingContext {
  /** The parsed environment (lib/config/env.ts): declare a variable there to use it here. */
  env: Env;
  /** The app's store, for an action that reads or records (the ClickUp router's directory). */
  store: Store;
  /**
   * The compiled router of this same file, for an action whose outbox events are routed
   * like any event (one routing match, written once). Callable once the compile is done,
   * which is before any attempt.
   */
  route: Router;
}

export type RoutingFile = RoutingDefinition | ((context: RoutingContext) => RoutingDefinition);

/** Identity, for the types: `export default defineRoutes(({ env }) => ({ ... }))`. */
export function defineRoutes(file: RoutingFile): RoutingFile {
  return file;
}

/** An HTTP forward destination. */
export function forward(definition: Omit<HttpForwardDefinition, "kind">): HttpForwardDefinition {
  return { kind: "http", ...definition };
}
