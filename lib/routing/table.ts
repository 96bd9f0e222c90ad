// Turns the routing file into what the gateway runs: a pure router (which destinations
// get an event) and the destinations by name, each with its policy resolved. Every
// problem is collected and reported at start, naming the route or destination.
import * as z from "../config/zod.js";
import { ConfigError, type Env } from "../config/env.js";
import { DEFAULT_BREAKER_POLICY, type BreakerPolicy } from "./policy.js";
import type { ActionContext, AttemptOutcome, DeliveryEvent } from "../destinations/contract.js";
import { httpForward } from "../destinations/http-forward.js";
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from "./policy.js";
import { signingKey, type SigningKeySource } from "../signing/standard-webhooks.js";
import { errorFields, log } from "../observability/log.js";
import type { ProviderEvent } from "../providers/types.js";
import type { Store } from "../store/store.js";
import {
  HOOKGATE_PROVIDER,
  type DestinationDefinition,
  type RouteDefinition,
  type RoutingContext,
  type RoutingFile,
  type SigningMode,
} from "./define.js";
import type { Router } from "./router.js";

export const DEFAULT_TIMEOUT_MS = 10_000;
/** Attempts must end well inside the 60 s lease taken for them. */
export const MAX_TIMEOUT_MS = 45_000;

/** A destination ready to attempt. */
export interface Destination {
  name: string;
  kind: "http" | "action";
  /** How an HTTP forward is signed; /api/ready warns of missing signing keys only when one needs them. */
  signing?: SigningMode;
  timeoutMs: number;
  retry: RetryPolicy;
  breaker: BreakerPolicy;
  attempt(event: DeliveryEvent, context: ActionContext & { now: Date }): Promise<AttemptOutcome>;
}

export interface Routing {
  route: Router;
  destinations: ReadonlyMap<string, Destination>;
}

/** No routes: events are recorded and go nowhere. */
export const emptyRouting: Routing = { route: () => [], destinations: new Map() };

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;
/** Headers hookgate sets itself; a destination cannot override them. */
const RESERVED_HEADERS =
  /^(webhook-(id|timestamp|signature|key-id)|content-(type|length)|host|transfer-encoding|connection|x-hookgate-.*)$/i;

const fn = z.custom<(...args: never[]) => unknown>((v) => typeof v === "function", "must be a function");

/** Attempts a destination may make in all: the schedule's length, or `maxAttempts`. */
export const MAX_ATTEMPTS = 50;
/** The longest gap between attempts a schedule may hold: a week. */
const MAX_DELAY_MS = 7 * 24 * 60 * 60 * 1000;

const policySchema = {
  timeoutMs: z.optional(
    z
      .number({ error: "must be a number of milliseconds" })
      .check(
        z.int("must be whole milliseconds"),
        z.gte(1, "must be at least 1 ms"),
        z.lte(MAX_TIMEOUT_MS, `must be at most ${MAX_TIMEOUT_MS} ms (attempts end inside their 60 s lease)`),
      ),
  ),
  retry: z.optional(
    z.strictObject({
      schedule: z.optional(
        z
          .array(
            z
              .number()
              .check(
                z.int("must be whole milliseconds"),
                z.gte(0, "must not be negative"),
                z.lte(MAX_DELAY_MS, "must be at most a week"),
              ),
            { error: "must be a list of delays in ms" },
          )
          .check(
            z.minLength(1, "must hold at least the first attempt's delay"),
            z.maxLength(MAX_ATTEMPTS, `must hold at most ${MAX_ATTEMPTS} attempts`),
          ),
      ),
      maxAttempts: z.optional(
        z
          .number({ error: `must be a number of attempts from 1 to ${MAX_ATTEMPTS}` })
          .check(
            z.int(`must be a number of attempts from 1 to ${MAX_ATTEMPTS}`),
            z.gte(1, `must be a number of attempts from 1 to ${MAX_ATTEMPTS}`),
            z.lte(MAX_ATTEMPTS, `must be a number of attempts from 1 to ${MAX_ATTEMPTS}`),
          ),
      ),
      jitter: z.optional(
        z
          .number({ error: "must be a fraction from 0 to 1" })
          .check(z.gte(0, "must be a fraction from 0 to 1"), z.lte(1, "must be a fraction from 0 to 1")),
      ),
      retryClientErrors: z.optional(z.union([z.boolean(), z.array(z.number().check(z.int(), z.gte(400), z.lte(499)))])),
    }),
  ),
  breaker: z.optional(
    z.strictObject({
      failures: z.optional(z.number().check(z.int(), z.gte(1))),
      failureRate: z.optional(z.number().check(z.gt(0), z.lte(1))),
      minimumAttempts: z.optional(z.number().check(z.int(), z.gte(1))),
      windowMs: z.optional(z.number().check(z.int(), z.gte(1000))),
      cooldownMs: z.optional(z.number().check(z.int(), z.gte(1000))),
    }),
  ),
};

const httpSchema = z.strictObject({
  kind: z.literal("http"),
  url: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }),
  signing: z.optional(
    z.enum(["symmetric", "asymmetric", "both"], { error: 'must be "symmetric", "asymmetric" or "both"' }),
  ),
  secret: z.optional(z.union([z.string(), z.array(z.string()).check(z.minLength(1))])),
  unsigned: z.optional(z.boolean()),
  headers: z.optional(
    z.record(z.string().check(z.regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, "not a header name")), z.string()),
  ),
  ...policySchema,
});

const actionSchema = z.object({ kind: z.literal("action"), name: z.string(), run: fn, ...policySchema });

const routeSchema = z.strictObject({
  provider: z.string().check(z.minLength(1)),
  events: z.optional(z.union([z.literal("*"), z.array(z.string().check(z.minLength(1))).check(z.minLength(1))])),
  when: z.optional(fn),
  to: z.array(z.string()).check(z.minLength(1, "names no destination")),
});

export interface CompileOptions {
  env: Env;
  /** Provider names hookgate knows (lib/providers/catalog.ts). */
  providers: readonly string[];
  /** Where the definition came from, for messages. */
  source?: string;
  /** The store the routing file's actions use; only a file that asks for it needs one. */
  store?: Store;
  /** Where asymmetric forwards get their key (lib/signing/keyring.ts); only they need it. */
  signingKey?: SigningKeySource;
}

/** Checks and compiles a routing file; throws a ConfigError listing every problem. */
export function compileRouting(file: RoutingFile, options: CompileOptions): Routing {
  const source = options.source ?? "hookgate.routes.ts";
  const problems: string[] = [];
  let definition;
  // The router is compiled after the destinations, and an action may hold it: late-bound.
  const compiled: { router?: Router } = {};
  const lateRoute: Router = (provider, event) => {
    if (!compiled.router) throw new Error("the router was called before the routes were compiled");
    return compiled.router(provider, event);
  };
  try {
    definition = typeof file === "function" ? file(routingContext(options, lateRoute)) : file;
  } catch (error) {
    throw new ConfigError(
      `invalid routes in ${source}: the routing function threw: ${String(errorFields(error).error_message ?? error)}`,
    );
  }
  if (
    typeof definition !== "object" ||
    definition === null ||
    typeof definition.destinations !== "object" ||
    !Array.isArray(definition.routes)
  ) {
    throw new ConfigError(`invalid routes in ${source}: export { destinations: {...}, routes: [...] }`);
  }

  const destinations = new Map<string, Destination>();
  for (const [name, value] of Object.entries(definition.destinations)) {
    if (!value) continue;
    const where = `destination "${name}"`;
    if (!NAME.test(name)) {
      problems.push(`${where}: names are letters, digits and _.:- (at most 64)`);
      continue;
    }
    const compiled = compileDestination(
      name,
      value,
      (problem) => problems.push(`${where}: ${problem}`),
      options.signingKey ?? noSigningKey,
    );
    if (compiled) destinations.set(name, compiled);
  }

  const known = new Set([...options.providers, HOOKGATE_PROVIDER]);
  const routes: RouteDefinition[] = [];
  // What the file gave is unknown until the schema has read it.
  (definition.routes as unknown[]).forEach((candidate, index) => {
    const named = (candidate as { provider?: unknown } | null)?.provider;
    const where = `route ${index + 1}${typeof named === "string" ? ` (${named})` : ""}`;
    const parsed = routeSchema.safeParse(candidate);
    if (!parsed.success) {
      for (const issue of parsed.error.issues)
        problems.push(`${where}: ${issue.path.join(".") || "route"}: ${issue.message}`);
      return;
    }
    const route = parsed.data as RouteDefinition;
    let ok = true;
    if (!known.has(route.provider)) {
      problems.push(`${where}: unknown provider "${route.provider}" (known: ${[...known].join(", ") || "none"})`);
      ok = false;
    }
    for (const name of route.to) {
      if (!destinations.has(name)) {
        const defined = name in definition.destinations;
        problems.push(
          defined
            ? `${where}: destination "${name}" is switched off (its variables are not set) or invalid`
            : `${where}: unknown destination "${name}"`,
        );
        ok = false;
      }
    }
    if (ok) routes.push(route);
  });

  if (problems.length > 0) throw new ConfigError(`invalid routes in ${source}: ${problems.join("; ")}`);
  compiled.router = router(routes);
  return { route: compiled.router, destinations };
}

function routingContext({ env, store }: CompileOptions, route: Router): RoutingContext {
  return { env, store: store ?? noStore, route };
}

/**
 * The store of a compile that was given none (checking a routing file, pure tests): an
 * action may hold it, and fails saying so the moment it uses it.
 */
const noStore = new Proxy({} as Store, {
  get(_, key) {
    throw new Error(`compileRouting was given no store, and an action used it (store.${String(key)})`);
  },
});

/** The signing keys of a compile that was given none: an asymmetric forward fails its attempt saying so. */
const noSigningKey: SigningKeySource = () =>
  Promise.reject(new Error("compileRouting was given no signing keys, and an asymmetric forward needed one"));

function compileDestination(
  name: string,
  value: DestinationDefinition,
  problem: (message: string) => void,
  signingKeySource: SigningKeySource,
): Destination | undefined {
  if (value.kind === "action") {
    const parsed = actionSchema.safeParse(value);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) problem(`${issue.path.join(".") || "action"}: ${issue.message}`);
      return undefined;
    }
    const action = value;
    return {
      name,
      kind: "action",
      ...policies(value),
      attempt: (event, context) => action.run(event, context),
    };
  }
  if (value.kind !== "http") {
    problem(`kind must be "http" (use forward({...})) or "action"`);
    return undefined;
  }
  const parsed = httpSchema.safeParse(value);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problem(`${issue.path.join(".") || "destination"}: ${issue.message}`);
    return undefined;
  }
  const secrets =
    value.secret === undefined ? [] : typeof value.secret === "string" ? [value.secret] : [...value.secret];
  const keys: Buffer[] = [];
  for (const [i, secret] of secrets.entries()) {
    const key = signingKey(secret);
    if (key.ok) keys.push(key.key);
    else problem(`secret${secrets.length > 1 ? ` ${i + 1}` : ""} ${key.reason}`);
  }
  const signing = value.signing ?? "symmetric";
  if (secrets.length === 0 && !value.unsigned && signing !== "asymmetric") {
    problem(
      signing === "both"
        ? 'signs "both" ways, so it needs a secret (whsec_…) for v1 too'
        : 'has no secret: set secret (whsec_…), say signing: "asymmetric", or say unsigned: true',
    );
    return undefined;
  }
  if (value.unsigned && signing !== "symmetric") {
    problem(`is unsigned, so signing: "${signing}" has nothing to do: drop one`);
    return undefined;
  }
  for (const header of Object.keys(value.headers ?? {})) {
    if (RESERVED_HEADERS.test(header)) problem(`header "${header}" is set by hookgate`);
  }
  if (keys.length !== secrets.length || Object.keys(value.headers ?? {}).some((h) => RESERVED_HEADERS.test(h)))
    return undefined;

  const resolved = policies(value);
  const send = httpForward({
    url: new URL(value.url),
    // An asymmetric forward carries only v1a: a secret given beside it is not used.
    keys: signing === "asymmetric" ? [] : keys,
    signingKey: signing === "symmetric" ? undefined : signingKeySource,
    headers: value.headers ?? {},
    retry: resolved.retry,
  });
  return {
    name,
    kind: "http",
    signing: value.unsigned ? undefined : signing,
    ...resolved,
    attempt: (event, context) => send({ event, attempt: context.attempt, signal: context.signal, now: context.now }),
  };
}

function policies(value: DestinationDefinition): Pick<Destination, "timeoutMs" | "retry" | "breaker"> {
  const { maxAttempts, ...retry } = value.retry ?? {};
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...retry };
  return {
    timeoutMs: value.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    retry: maxAttempts === undefined ? policy : { ...policy, schedule: scheduleOf(policy.schedule, maxAttempts) },
    breaker: { ...DEFAULT_BREAKER_POLICY, ...value.breaker },
  };
}

/** `attempts` delays: the schedule cut short, or extended by repeating its last delay. */
export function scheduleOf(schedule: readonly number[], attempts: number): number[] {
  const last = schedule[schedule.length - 1] ?? 0;
  return Array.from({ length: attempts }, (_, i) => schedule[i] ?? last);
}

/** The pure router: the destinations of every route matching the event, each once, in file order. */
function router(routes: readonly RouteDefinition[]): Router {
  const byProvider = new Map<string, RouteDefinition[]>();
  for (const route of routes) byProvider.set(route.provider, [...(byProvider.get(route.provider) ?? []), route]);
  return (provider: string, event: ProviderEvent) => {
    const names: string[] = [];
    for (const route of byProvider.get(provider) ?? []) {
      if (route.events && route.events !== "*" && (event.type === null || !route.events.includes(event.type))) continue;
      if (route.when && !matches(route, event)) continue;
      for (const name of route.to) if (!names.includes(name)) names.push(name);
    }
    return names;
  };
}

function matches(route: RouteDefinition, event: ProviderEvent): boolean {
  try {
    return route.when!(event.payload, event) === true;
  } catch (error) {
    // A predicate that throws on an odd payload must not turn the webhook into an error.
    log.warn("route predicate threw; treated as no match", { provider: route.provider, ...errorFields(error) });
    return false;
  }
}
