// The environment, parsed once into a typed config. Every variable hookgate reads is
// declared here, so an invalid one fails with a message that names it, and
// .env.example / the README can be checked against this one list.
import * as z from "./zod.js";
import { ConfigError } from "./error.js";
import { E164, E164_NUMBER } from "./e164.js";
import { providerEnvRows } from "./provider-env.js";
import { rateSpec, rateSpecsBySource } from "./rate-spec.js";
import { createHash } from "node:crypto";
import { resolve } from "node:path";

/** A comma-separated list: several secrets verify at once, so they rotate without downtime. */
const list = z.pipe(
  z.string(),
  z.transform((s) =>
    s
      .split(",")
      .map((x) => x.trim())
      .filter(Boolean),
  ),
);

/** `whpk_` + base64 of a 32-byte Ed25519 public key (Standard Webhooks' serialisation). */
const WHPK = /^whpk_[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/;
const BASE64URL = /^[A-Za-z0-9_-]{43}$/;

/**
 * HOOKGATE_SIGNING_KEYS: a JSON list of private Ed25519 JWKs (`kty`, `crv`, `x`, `d`,
 * optional `kid` and `state`), for a deployment whose keys live in its environment
 * rather than its store. lib/signing/keyring-env.ts checks that each `d` matches its `x`.
 */
const signingJwk = z.object({
  kty: z.literal("OKP", { error: 'kty must be "OKP"' }),
  crv: z.literal("Ed25519", { error: 'crv must be "Ed25519"' }),
  x: z.string().check(z.regex(BASE64URL, "x must be 32 bytes in base64url")),
  d: z.string().check(z.regex(BASE64URL, "d must be 32 bytes in base64url")),
  kid: z.optional(z.string().check(z.regex(/^[A-Za-z0-9_-]{8,64}$/, "kid must be 8 to 64 of A-Z a-z 0-9 _ -"))),
  state: z.optional(z.enum(["next", "current", "retired"], { error: "state must be next, current or retired" })),
});
const signingJwks = z.pipe(
  z.pipe(
    z.string(),
    z.transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.issues.push({ code: "custom", message: "must be a JSON list of private JWKs", input: text });
        return z.NEVER;
      }
    }),
  ),
  z.array(signingJwk, { error: "must be a JSON list of private JWKs" }).check(z.minLength(1, "lists no key")),
);

/** How each forward signs: Standard Webhooks v1 (HMAC), v1a (ed25519), or both. */
const signingMode = z._default(
  z.enum(["symmetric", "asymmetric", "both"], { error: "must be symmetric, asymmetric or both" }),
  "symmetric",
);

const base = {
  /** `npm start`'s port; 0 takes any free one (the address printed is the one bound). */
  PORT: z._default(z.coerce.number().check(z.int(), z.gte(0), z.lte(65535)), 3000),
  // The local server (scripts/serve.ts). Loopback by default; HOST=0.0.0.0 in a container.
  HOST: z._default(z.string().check(z.trim(), z.minLength(1)), "127.0.0.1"),
  HOOKGATE_REQUEST_TIMEOUT_MS: z._default(z.coerce.number().check(z.int(), z.gte(100), z.lte(300_000)), 10_000),
  HOOKGATE_MAX_CONNECTIONS: z._default(z.coerce.number().check(z.int(), z.gt(0)), 1024),
  // Bounded waiting (lib/store/deadline.ts, lib/ingest/in-flight.ts): every store call
  // (waiting for a connection + the statement) ends within this many ms, or the
  // webhook is answered 503 + Retry-After; past HOOKGATE_MAX_IN_FLIGHT webhook
  // requests at once in one instance, new ones are answered 503 at once.
  HOOKGATE_STORE_TIMEOUT_MS: z._default(z.coerce.number().check(z.int(), z.gte(50), z.lte(60_000)), 2_000),
  HOOKGATE_MAX_IN_FLIGHT: z._default(z.coerce.number().check(z.int(), z.gt(0)), 256),
  // Group commit (lib/store/group-commit.ts): the most webhooks, and bytes, in one ingest batch.
  HOOKGATE_INGEST_BATCH_MAX_ITEMS: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(1_000)), 64),
  HOOKGATE_INGEST_BATCH_MAX_BYTES: z._default(
    z.coerce.number().check(z.int(), z.gte(1024), z.lte(64 * 1024 * 1024)),
    1024 * 1024,
  ),
  HOOKGATE_BODY_LIMIT_BYTES: z._default(z.coerce.number().check(z.int(), z.gt(0)), 1024 * 1024),
  HOOKGATE_DATA_DIR: z._default(z.string(), ".hookgate"),
  PUBLIC_BASE_URL: z.optional(z.url()),
  DATABASE_URL: z.optional(z.string().check(z.regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL"))),
  SUPABASE_URL: z.optional(z.url()),
  SUPABASE_SERVICE_ROLE_KEY: z.optional(z.string()),
  REDIS_URL: z.optional(z.string().check(z.regex(/^rediss?:\/\//, "must be a redis:// URL"))),
  UPSTASH_REDIS_REST_URL: z.optional(z.url()),
  UPSTASH_REDIS_REST_TOKEN: z.optional(z.string()),
  LOG_LEVEL: z._default(z.enum(["debug", "info", "warn", "error", "silent"]), "info"),
  /** Set by Vercel on every deployment. */
  VERCEL: z.optional(z.string()),
  /** Vercel system variables: they name the deployment's KV namespace (HOOKGATE_KV_PREFIX). */
  VERCEL_PROJECT_ID: z.optional(z.string()),
  VERCEL_ENV: z.optional(z.string()),
  /** The custom environment (`staging`) where there is one; VERCEL_ENV says `preview` there. */
  VERCEL_TARGET_ENV: z.optional(z.string()),
  /**
   * Every KV key starts with this, so deployments sharing one Redis never share breaker
   * state, alert cooldowns or rate limits. Default: per deployment (see kvPrefix below).
   */
  HOOKGATE_KV_PREFIX: z.optional(z.string().check(z.regex(/^[\w:./-]{1,80}$/, "1 to 80 letters, digits or _ : . / -"))),
  // Delivery (lib/delivery): operator routes and the first configured route (hookgate.routes.ts).
  CRON_SECRET: z.optional(z.string().check(z.minLength(16, "must be at least 16 characters"))),
  ADMIN_TOKEN: z.optional(z.string().check(z.minLength(16, "must be at least 16 characters"))),
  /** The deployment the CLI (`npx hookgate`) and `npm run send` talk to. */
  HOOKGATE_URL: z.optional(z.url()),
  AGENT_SDK_URL: z.optional(z.url({ protocol: /^https?$/, error: "must be an http(s) URL" })),
  AGENT_SDK_SECRET: z.optional(list),
  /** How the forwards to AGENT_SDK_URL are signed; asymmetric needs no AGENT_SDK_SECRET. */
  AGENT_SDK_SIGNING: signingMode,
  /** Each forward to AGENT_SDK_URL may take this long (at most 45 s: attempts end inside their 60 s lease). */
  AGENT_SDK_TIMEOUT_MS: z._default(
    z.coerce
      .number({ error: "must be milliseconds from 1 to 45000" })
      .check(
        z.int("must be milliseconds from 1 to 45000"),
        z.gte(1, "must be milliseconds from 1 to 45000"),
        z.lte(45_000, "must be milliseconds from 1 to 45000 (attempts end inside their 60 s lease)"),
      ),
    10_000,
  ),
  // Signing keys (lib/signing/keyring.ts): ed25519 keys for v1a forwards and the JWKS.
  HOOKGATE_KEY_ENCRYPTION_KEY: z.optional(
    z.string().check(z.regex(/^[A-Za-z0-9+/]{43}=$/, "must be 32 bytes in base64 (openssl rand -base64 32)")),
  ),
  HOOKGATE_SIGNING_KEYS: z.optional(signingJwks),
  /** A retired key stays in the JWKS this long, so deliveries signed before a rotation still verify. */
  HOOKGATE_SIGNING_KEY_GRACE_DAYS: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(365)), 7),
  /** /api/ready warns once the current key has signed this long. */
  HOOKGATE_SIGNING_KEY_ROTATION_DAYS: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(3650)), 90),
  /** Standard Webhooks `whpk_…` public keys that verify inbound `v1a` signatures (beside STANDARD_WEBHOOK_SECRET). */
  STANDARD_WEBHOOK_PUBLIC_KEYS: z.optional(
    z.pipe(list, z.array(z.string().check(z.regex(WHPK, "each key must be whpk_ followed by 32 bytes in base64")))),
  ),
  // ClickUp ticket routing (lib/destinations/clickup): off until the routed lists are set.
  CLICKUP_ROUTED_LIST_IDS: z.optional(list),
  CLICKUP_API_TOKEN: z.optional(z.string()),
  CLICKUP_API_BASE_URL: z._default(z.url(), "https://api.clickup.com/api/v2"),
  CLICKUP_CUSTOMER_FIELD: z._default(z.string().check(z.trim(), z.minLength(1)), "Customer"),
  CLICKUP_MARKET_FIELD: z._default(z.string().check(z.trim(), z.minLength(1)), "Market"),
  // WhatsApp onboarding (lib/destinations/whatsapp): on once the account and the sender are set.
  TWILIO_ACCOUNT_SID: z.optional(
    z.string().check(z.regex(/^AC[0-9a-fA-F]{32}$/, "must be AC followed by 32 hex digits")),
  ),
  TWILIO_WHATSAPP_NUMBER: z.optional(
    z
      .string()
      .check(
        z.regex(
          new RegExp(`^whatsapp:${E164_NUMBER}$`),
          "must be whatsapp:+<E.164 number>, e.g. whatsapp:+14155238886",
        ),
      ),
  ),
  TWILIO_SMS_NUMBER: z.optional(z.string().check(z.regex(E164, "must be an E.164 number, e.g. +14155550100"))),
  TWILIO_API_BASE_URL: z._default(
    z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }),
    "https://api.twilio.com",
  ),
  // Abuse protection, alerts and error reporting (lib/shield/limits.ts, lib/alerts/,
  // lib/observability/sentry.ts). Rates are <count>/<window> or `off`.
  RATE_LIMIT_PER_IP: z.prefault(rateSpec, "1000/10s"),
  // Above SECURITY_ALERT_THRESHOLD, so a single-IP attack is answered 401 until it has alerted.
  RATE_LIMIT_FAILED_VERIFICATIONS: z.prefault(rateSpec, "100/5m"),
  RATE_LIMIT_PER_SOURCE: z.optional(rateSpecsBySource),
  RATE_LIMIT_TIMEOUT_MS: z._default(z.coerce.number().check(z.int(), z.gt(0), z.lte(10_000)), 200),
  /**
   * Which header carries the client's address: `auto` (Vercel's own headers on Vercel,
   * none elsewhere), `none`, `vercel`, or a header a trusted proxy sets (`x-real-ip`,
   * `x-forwarded-for` (its last entry), `cf-connecting-ip`, ...). lib/shield/client-ip.ts.
   */
  HOOKGATE_TRUST_PROXY: z._default(
    z
      .string()
      .check(
        z.trim(),
        z.toLowerCase(),
        z.regex(/^[a-z0-9-]{1,64}$/, "auto, none, vercel or a header name such as x-real-ip"),
      ),
    "auto",
  ),
  DUPLICATE_STATUS: z.pipe(z._default(z.enum(["200", "409"]), "200"), z.transform(Number)),
  SLACK_BOT_TOKEN: z.optional(z.string()),
  ALERT_CHANNEL_ID: z.optional(z.string()),
  SLACK_API_URL: z.optional(z.url()),
  ALERT_COOLDOWN_SECONDS: z._default(z.coerce.number().check(z.int(), z.gte(0)), 900),
  SECURITY_ALERT_THRESHOLD: z._default(z.coerce.number().check(z.int(), z.gt(0)), 20),
  SECURITY_ALERT_WINDOW_SECONDS: z._default(z.coerce.number().check(z.int(), z.gte(5)), 300),
  SECURITY_ALERT_COOLDOWN_SECONDS: z._default(z.coerce.number().check(z.int(), z.gte(0)), 900),
  REJECTION_RECORDS_PER_MINUTE: z._default(z.coerce.number().check(z.int(), z.gte(0)), 60),
  REJECTION_RETENTION_DAYS: z._default(z.coerce.number().check(z.int(), z.gt(0)), 7),
  /** 0 (default): rejected bodies are not kept. Otherwise this many bytes, redacted (max 1024). */
  REJECTION_BODY_PREFIX_BYTES: z._default(z.coerce.number().check(z.int(), z.gte(0), z.lte(1024, "at most 1024")), 0),
  SENTRY_DSN: z.optional(z.url()),
  SENTRY_ENVIRONMENT: z.optional(z.string()),
  // Operations (lib/operations): metrics, retention, health alerts.
  METRICS_TOKEN: z.optional(z.string().check(z.minLength(16, "must be at least 16 characters"))),
  RETENTION_DAYS: z._default(z.coerce.number().check(z.int(), z.gt(0)), 30),
  DEAD_LETTER_RETENTION_DAYS: z._default(z.coerce.number().check(z.int(), z.gt(0)), 30),
  ALERT_SUCCESS_RATE_BELOW: z._default(z.coerce.number().check(z.gt(0), z.lte(1)), 0.95),
  ALERT_SUCCESS_MIN_ATTEMPTS: z._default(z.coerce.number().check(z.int(), z.gt(0)), 20),
  ALERT_PENDING_AGE_MINUTES: z._default(z.coerce.number().check(z.int(), z.gt(0)), 60),
};

const secretVars = Object.fromEntries(providerEnvRows.map((p) => [p.secret, z.optional(list)]));
// CHATWOOT_ALLOW_UNSIGNED (the one provider whose old versions sign nothing): true/false.
const unsignedVars = Object.fromEntries(
  providerEnvRows.flatMap((p) => (p.unsigned ? [[p.unsigned, z._default(z.stringbool(), false)]] : [])),
);

const schema = z.object({ ...base, ...secretVars, ...unsignedVars }).check(
  z.refine((e) => !e.SUPABASE_URL === !e.SUPABASE_SERVICE_ROLE_KEY, {
    message: "SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY are set together",
    path: ["SUPABASE_SERVICE_ROLE_KEY"],
  }),
  z.refine((e) => !e.UPSTASH_REDIS_REST_URL === !e.UPSTASH_REDIS_REST_TOKEN, {
    message: "UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN are set together",
    path: ["UPSTASH_REDIS_REST_TOKEN"],
  }),
  z.refine((e) => !e.SLACK_BOT_TOKEN === !e.ALERT_CHANNEL_ID, {
    message: "SLACK_BOT_TOKEN and ALERT_CHANNEL_ID are set together",
    path: ["ALERT_CHANNEL_ID"],
  }),
  // Routing applies its decisions through the ClickUp API, which needs the token.
  z.refine((e) => !e.CLICKUP_ROUTED_LIST_IDS?.length || e.CLICKUP_API_TOKEN, {
    message: "CLICKUP_ROUTED_LIST_IDS is set, so ClickUp routing needs CLICKUP_API_TOKEN",
    path: ["CLICKUP_API_TOKEN"],
  }),
  z.refine((e) => !e.AGENT_SDK_URL || e.AGENT_SDK_SIGNING === "asymmetric" || e.AGENT_SDK_SECRET?.length, {
    message: "AGENT_SDK_URL is set, so the forward needs AGENT_SDK_SECRET (whsec_…) to sign with",
    path: ["AGENT_SDK_SECRET"],
  }),
  // One source of signing keys, or it is unclear which one signs.
  z.refine((e) => !(e.HOOKGATE_SIGNING_KEYS && e.HOOKGATE_KEY_ENCRYPTION_KEY), {
    message:
      "HOOKGATE_SIGNING_KEYS (keys in the environment) and HOOKGATE_KEY_ENCRYPTION_KEY (keys in the store) are alternatives: set one",
    path: ["HOOKGATE_SIGNING_KEYS"],
  }),
  z.refine((e) => !e.TWILIO_ACCOUNT_SID === !e.TWILIO_WHATSAPP_NUMBER, {
    message: "TWILIO_ACCOUNT_SID and TWILIO_WHATSAPP_NUMBER are set together (they turn WhatsApp onboarding on)",
    path: ["TWILIO_WHATSAPP_NUMBER"],
  }),
  // The onboarding sends with the account sid and auth token, and verifies Twilio's webhooks with the token.
  z.refine((e) => !e.TWILIO_ACCOUNT_SID || providerList(e, "TWILIO_AUTH_TOKEN").length > 0, {
    message: "TWILIO_ACCOUNT_SID is set, so WhatsApp onboarding needs TWILIO_AUTH_TOKEN",
    path: ["TWILIO_AUTH_TOKEN"],
  }),
  z.refine((e) => !e.TWILIO_SMS_NUMBER || e.TWILIO_ACCOUNT_SID, {
    message:
      "TWILIO_SMS_NUMBER sends codes by SMS for WhatsApp onboarding: set TWILIO_ACCOUNT_SID and TWILIO_WHATSAPP_NUMBER too",
    path: ["TWILIO_ACCOUNT_SID"],
  }),
  // Vercel functions have no lasting disk: the embedded store would lose events.
  z.refine((e) => !e.VERCEL || e.SUPABASE_URL || e.DATABASE_URL, {
    message: "on Vercel the store must be Supabase or Postgres: set SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY",
    path: ["SUPABASE_URL"],
  }),
);

export type Env = z.infer<typeof schema>;

/**
 * A provider's variable, as parsed: the schema adds the providers' rows
 * (lib/config/provider-env.ts) by name, so `Env` does not spell them out.
 */
export function providerVariable(env: Env, name: string): unknown {
  return (env as Record<string, unknown>)[name];
}

/** A provider's comma-separated list (its secrets, its public keys), empty when unset. */
export function providerList(env: Env, name: string): string[] {
  return (providerVariable(env, name) as string[] | undefined) ?? [];
}

export type StoreTarget =
  | { transport: "supabase"; url: string; serviceRoleKey: string }
  | { transport: "postgres"; url: string }
  | { transport: "pglite"; dataDir: string };

export type KvTarget =
  { transport: "upstash"; url: string; token: string } | { transport: "redis"; url: string } | { transport: "memory" };

export interface Config {
  port: number;
  bodyLimitBytes: number;
  /** The limit on every store call, in ms (HOOKGATE_STORE_TIMEOUT_MS). */
  storeTimeoutMs: number;
  /** Webhook requests one instance serves at once before it sheds load (HOOKGATE_MAX_IN_FLIGHT). */
  maxInFlight: number;
  /** Bounds of one group-commit batch of ingests (HOOKGATE_INGEST_BATCH_MAX_ITEMS, _MAX_BYTES). */
  ingestBatch: { maxItems: number; maxBytes: number };
  publicBaseUrl: string | undefined;
  logLevel: Env["LOG_LEVEL"];
  store: StoreTarget;
  kv: KvTarget;
  /** Put before every KV key (HOOKGATE_KV_PREFIX or the deployment's default). */
  kvPrefix: string;
  /** Secrets by provider name; an empty list means the provider is not configured. */
  secrets: Readonly<Record<string, readonly string[]>>;
  /** Providers the operator lets accept unsigned requests (stored unverified), by name. */
  allowUnsigned: Readonly<Record<string, boolean>>;
  env: Env;
}

export { ConfigError };

/** Parses the environment; throws a ConfigError naming every invalid variable. */
export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  // An empty value in a .env file means "unset", not "the empty string".
  const present = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "environment"}: ${readableIssue(i)}`);
    throw new ConfigError(`invalid environment: ${problems.join("; ")}`);
  }
  const env = parsed.data;
  return {
    port: env.PORT,
    bodyLimitBytes: env.HOOKGATE_BODY_LIMIT_BYTES,
    storeTimeoutMs: env.HOOKGATE_STORE_TIMEOUT_MS,
    maxInFlight: env.HOOKGATE_MAX_IN_FLIGHT,
    ingestBatch: { maxItems: env.HOOKGATE_INGEST_BATCH_MAX_ITEMS, maxBytes: env.HOOKGATE_INGEST_BATCH_MAX_BYTES },
    publicBaseUrl: env.PUBLIC_BASE_URL,
    logLevel: env.LOG_LEVEL,
    store: storeTarget(env),
    kv: kvTarget(env),
    kvPrefix: kvPrefix(env, storeTarget(env)),
    // A provider's public keys (`whpk_…`) sit in its list beside its secrets: either
    // configures it, and its verify tells them apart by their prefix.
    secrets: Object.fromEntries(
      providerEnvRows.map((p) => [
        p.name,
        [p.secret, ...(p.publicKeys ? [p.publicKeys] : [])].flatMap((name) => providerList(env, name)),
      ]),
    ),
    allowUnsigned: Object.fromEntries(
      providerEnvRows.map((p) => [p.name, p.unsigned !== undefined && providerVariable(env, p.unsigned) === true]),
    ),
    env,
  };
}

/**
 * An issue as a person reads it. zod's own wording for a number variable ("expected
 * number, received NaN", "Too big: expected number to be <=65535") becomes the rule the
 * variable follows, read off its schema by parsing values past its ends:
 * "must be a whole number from 0 to 65535". Messages written here are kept as they are.
 */
function readableIssue(issue: z.core.$ZodIssue): string {
  const name = issue.path[0];
  const field = typeof name === "string" ? (base as Record<string, z.Schema<unknown> | undefined>)[name] : undefined;
  const numeric =
    (issue.code === "invalid_type" && (issue.expected === "number" || issue.expected === "int")) ||
    ((issue.code === "too_small" || issue.code === "too_big") && issue.origin === "number");
  if (!field || !numeric || !/^(Invalid input|Too (small|big))/.test(issue.message)) return issue.message;
  const found = (value: string): z.core.$ZodIssue[] => z.safeParse(field, value).error?.issues ?? [];
  const whole = found("0.5").some((i) => i.code === "invalid_type" && i.expected === "int");
  // A whole number's own safe-integer bounds are not the variable's rule.
  const low = found("-1e300").find((i) => i.code === "too_small" && Number(i.minimum) > -Number.MAX_SAFE_INTEGER);
  const high = found("1e300").find((i) => i.code === "too_big" && Number(i.maximum) < Number.MAX_SAFE_INTEGER);
  let min = low?.code === "too_small" ? Number(low.minimum) : undefined;
  let max = high?.code === "too_big" ? Number(high.maximum) : undefined;
  let minIncluded = low?.code === "too_small" && low.inclusive !== false;
  let maxIncluded = high?.code === "too_big" && high.inclusive !== false;
  if (whole && min !== undefined && !minIncluded) [min, minIncluded] = [Math.floor(min) + 1, true];
  if (whole && max !== undefined && !maxIncluded) [max, maxIncluded] = [Math.ceil(max) - 1, true];
  const kind = whole ? "a whole number" : "a number";
  if (min !== undefined && max !== undefined && minIncluded && maxIncluded)
    return `must be ${kind} from ${min} to ${max}`;
  const bounds = [
    min === undefined ? "" : `${minIncluded ? "at least" : "above"} ${min}`,
    max === undefined ? "" : `${maxIncluded ? "at most" : "below"} ${max}`,
  ].filter(Boolean);
  return `must be ${kind}${bounds.length ? ` ${bounds.join(" and ")}` : ""}`;
}

function storeTarget(env: Env): StoreTarget {
  if (env.SUPABASE_URL && env.SUPABASE_SERVICE_ROLE_KEY) {
    return { transport: "supabase", url: env.SUPABASE_URL, serviceRoleKey: env.SUPABASE_SERVICE_ROLE_KEY };
  }
  if (env.DATABASE_URL) return { transport: "postgres", url: env.DATABASE_URL };
  return { transport: "pglite", dataDir: env.HOOKGATE_DATA_DIR };
}

function kvTarget(env: Env): KvTarget {
  if (env.UPSTASH_REDIS_REST_URL && env.UPSTASH_REDIS_REST_TOKEN) {
    return { transport: "upstash", url: env.UPSTASH_REDIS_REST_URL, token: env.UPSTASH_REDIS_REST_TOKEN };
  }
  if (env.REDIS_URL) return { transport: "redis", url: env.REDIS_URL };
  return { transport: "memory" };
}

/**
 * The default KV namespace is the deployment's: on Vercel its project and environment
 * (production, preview, or a custom one such as staging), elsewhere the store it writes
 * to (a short hash of its user, host, port and database, or of the PGlite directory;
 * never a password). Deployments that share a database share its deliveries, so they should
 * share breaker state too; any two that do not, never meet in the KV.
 */
export function kvPrefix(env: Env, store: StoreTarget): string {
  if (env.HOOKGATE_KV_PREFIX) return env.HOOKGATE_KV_PREFIX;
  if (env.VERCEL && env.VERCEL_PROJECT_ID) {
    return `hookgate:${env.VERCEL_PROJECT_ID}:${env.VERCEL_TARGET_ENV ?? env.VERCEL_ENV ?? "unknown"}:`;
  }
  return `hookgate:${createHash("sha256").update(storeIdentity(store)).digest("hex").slice(0, 12)}:`;
}

function storeIdentity(store: StoreTarget): string {
  if (store.transport === "pglite")
    return `pglite:${store.dataDir.startsWith("memory:") ? store.dataDir : resolve(store.dataDir)}`;
  try {
    const url = new URL(store.url);
    // The user too: Supabase's pooler serves every project of a region on one host, and
    // tells them apart by the user name (postgres.<project-ref>).
    return `${store.transport}:${url.username}@${url.hostname}:${url.port}${store.transport === "postgres" ? url.pathname : ""}`;
  } catch {
    return `${store.transport}:${store.url}`;
  }
}
