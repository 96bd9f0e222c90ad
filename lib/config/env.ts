// The environment, parsed once into a typed config. Every variable hookgate reads is
// declared here, so an invalid one fails with a message that names it, and
// .env.example / the README can be checked against this one list.
import { z } from "zod";
import { ConfigError } from "./error.js";
import { providerEnvRows } from "./provider-env.js";
import { rateSpec, rateSpecsBySource } from "./rate-spec.js";
import { createHash } from "node:crypto";
import { resolve } from "node:path";

/** A comma-separated list: several secrets verify at once, so they rotate without downtime. */
const list = z.string().transform((s) =>
  s
    .split(",")
    .map((x) => x.trim())
    .filter(Boolean),
);

const base = {
  /** `npm start`'s port; 0 takes any free one (the address printed is the one bound). */
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  // The local server (scripts/serve.ts). Loopback by default; HOST=0.0.0.0 in a container.
  HOST: z.string().trim().min(1).default("127.0.0.1"),
  HOOKGATE_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(300_000).default(10_000),
  HOOKGATE_MAX_CONNECTIONS: z.coerce.number().int().positive().default(1024),
  // Bounded waiting (lib/store/deadline.ts, lib/ingest/in-flight.ts): every store call
  // (waiting for a connection + the statement) ends within this many ms, or the
  // webhook is answered 503 + Retry-After; past HOOKGATE_MAX_IN_FLIGHT webhook
  // requests at once in one instance, new ones are answered 503 at once.
  HOOKGATE_STORE_TIMEOUT_MS: z.coerce.number().int().min(50).max(60_000).default(2_000),
  HOOKGATE_MAX_IN_FLIGHT: z.coerce.number().int().positive().default(256),
  HOOKGATE_BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(1024 * 1024),
  HOOKGATE_DATA_DIR: z.string().default(".hookgate"),
  PUBLIC_BASE_URL: z.url().optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL")
    .optional(),
  SUPABASE_URL: z.url().optional(),
  SUPABASE_SERVICE_ROLE_KEY: z.string().optional(),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, "must be a redis:// URL")
    .optional(),
  UPSTASH_REDIS_REST_URL: z.url().optional(),
  UPSTASH_REDIS_REST_TOKEN: z.string().optional(),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
  /** Set by Vercel on every deployment. */
  VERCEL: z.string().optional(),
  /** Vercel system variables: they name the deployment's KV namespace (HOOKGATE_KV_PREFIX). */
  VERCEL_PROJECT_ID: z.string().optional(),
  VERCEL_ENV: z.string().optional(),
  /** The custom environment (`staging`) where there is one; VERCEL_ENV says `preview` there. */
  VERCEL_TARGET_ENV: z.string().optional(),
  /**
   * Every KV key starts with this, so deployments sharing one Redis never share breaker
   * state, alert cooldowns or rate limits. Default: per deployment (see kvPrefix below).
   */
  HOOKGATE_KV_PREFIX: z
    .string()
    .regex(/^[\w:./-]{1,80}$/, "1 to 80 letters, digits or _ : . / -")
    .optional(),
  // Delivery (lib/delivery): operator routes and the first configured route (hookgate.routes.ts).
  CRON_SECRET: z.string().min(16, "must be at least 16 characters").optional(),
  ADMIN_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
  /** The deployment the CLI (`npx hookgate`) and `npm run send` talk to. */
  HOOKGATE_URL: z.url().optional(),
  AGENT_SDK_URL: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).optional(),
  AGENT_SDK_SECRET: list.optional(),
  /** Each forward to AGENT_SDK_URL may take this long (at most 45 s: attempts end inside their 60 s lease). */
  AGENT_SDK_TIMEOUT_MS: z.coerce
    .number({ error: "must be milliseconds from 1 to 45000" })
    .int("must be milliseconds from 1 to 45000")
    .min(1, "must be milliseconds from 1 to 45000")
    .max(45_000, "must be milliseconds from 1 to 45000 (attempts end inside their 60 s lease)")
    .default(10_000),
  // ClickUp ticket routing (lib/destinations/clickup): off until the routed lists are set.
  CLICKUP_ROUTED_LIST_IDS: list.optional(),
  CLICKUP_API_TOKEN: z.string().optional(),
  CLICKUP_API_BASE_URL: z.url().default("https://api.clickup.com/api/v2"),
  CLICKUP_CUSTOMER_FIELD: z.string().trim().min(1).default("Customer"),
  CLICKUP_MARKET_FIELD: z.string().trim().min(1).default("Market"),
  // Abuse protection, alerts and error reporting (lib/shield/limits.ts, lib/alerts/,
  // lib/observability/sentry.ts). Rates are <count>/<window> or `off`.
  RATE_LIMIT_PER_IP: rateSpec.prefault("1000/10s"),
  // Above SECURITY_ALERT_THRESHOLD, so a single-IP attack is answered 401 until it has alerted.
  RATE_LIMIT_FAILED_VERIFICATIONS: rateSpec.prefault("100/5m"),
  RATE_LIMIT_PER_SOURCE: rateSpecsBySource.optional(),
  RATE_LIMIT_TIMEOUT_MS: z.coerce.number().int().positive().max(10_000).default(200),
  /**
   * Which header carries the client's address: `auto` (Vercel's own headers on Vercel,
   * none elsewhere), `none`, `vercel`, or a header a trusted proxy sets (`x-real-ip`,
   * `x-forwarded-for` (its last entry), `cf-connecting-ip`, ...). lib/shield/client-ip.ts.
   */
  HOOKGATE_TRUST_PROXY: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9-]{1,64}$/, "auto, none, vercel or a header name such as x-real-ip")
    .default("auto"),
  DUPLICATE_STATUS: z.enum(["200", "409"]).default("200").transform(Number),
  SLACK_BOT_TOKEN: z.string().optional(),
  ALERT_CHANNEL_ID: z.string().optional(),
  SLACK_API_URL: z.url().optional(),
  ALERT_COOLDOWN_SECONDS: z.coerce.number().int().min(0).default(900),
  SECURITY_ALERT_THRESHOLD: z.coerce.number().int().positive().default(20),
  SECURITY_ALERT_WINDOW_SECONDS: z.coerce.number().int().min(5).default(300),
  SECURITY_ALERT_COOLDOWN_SECONDS: z.coerce.number().int().min(0).default(900),
  REJECTION_RECORDS_PER_MINUTE: z.coerce.number().int().min(0).default(60),
  REJECTION_RETENTION_DAYS: z.coerce.number().int().positive().default(7),
  /** 0 (default): rejected bodies are not kept. Otherwise this many bytes, redacted (max 1024). */
  REJECTION_BODY_PREFIX_BYTES: z.coerce.number().int().min(0).max(1024, "at most 1024").default(0),
  SENTRY_DSN: z.url().optional(),
  SENTRY_ENVIRONMENT: z.string().optional(),
  // Operations (lib/operations): metrics, retention, health alerts.
  METRICS_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
  RETENTION_DAYS: z.coerce.number().int().positive().default(30),
  DEAD_LETTER_RETENTION_DAYS: z.coerce.number().int().positive().default(30),
  ALERT_SUCCESS_RATE_BELOW: z.coerce.number().gt(0).max(1).default(0.95),
  ALERT_SUCCESS_MIN_ATTEMPTS: z.coerce.number().int().positive().default(20),
  ALERT_PENDING_AGE_MINUTES: z.coerce.number().int().positive().default(60),
};

const secretVars = Object.fromEntries(providerEnvRows.map((p) => [p.secret, list.optional()]));
// CHATWOOT_ALLOW_UNSIGNED (the one provider whose old versions sign nothing): true/false.
const unsignedVars = Object.fromEntries(
  providerEnvRows.flatMap((p) => (p.unsigned ? [[p.unsigned, z.stringbool().default(false)]] : [])),
);

const schema = z
  .object({ ...base, ...secretVars, ...unsignedVars })
  .refine((e) => !e.SUPABASE_URL === !e.SUPABASE_SERVICE_ROLE_KEY, {
    message: "SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY are set together",
    path: ["SUPABASE_SERVICE_ROLE_KEY"],
  })
  .refine((e) => !e.UPSTASH_REDIS_REST_URL === !e.UPSTASH_REDIS_REST_TOKEN, {
    message: "UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN are set together",
    path: ["UPSTASH_REDIS_REST_TOKEN"],
  })
  .refine((e) => !e.SLACK_BOT_TOKEN === !e.ALERT_CHANNEL_ID, {
    message: "SLACK_BOT_TOKEN and ALERT_CHANNEL_ID are set together",
    path: ["ALERT_CHANNEL_ID"],
  })
  // Routing applies its decisions through the ClickUp API, which needs the token.
  .refine((e) => !e.CLICKUP_ROUTED_LIST_IDS?.length || e.CLICKUP_API_TOKEN, {
    message: "CLICKUP_ROUTED_LIST_IDS is set, so ClickUp routing needs CLICKUP_API_TOKEN",
    path: ["CLICKUP_API_TOKEN"],
  })
  .refine((e) => !e.AGENT_SDK_URL || e.AGENT_SDK_SECRET?.length, {
    message: "AGENT_SDK_URL is set, so the forward needs AGENT_SDK_SECRET (whsec_…) to sign with",
    path: ["AGENT_SDK_SECRET"],
  })
  // Vercel functions have no lasting disk: the embedded store would lose events.
  .refine((e) => !e.VERCEL || e.SUPABASE_URL || e.DATABASE_URL, {
    message: "on Vercel the store must be Supabase or Postgres: set SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY",
    path: ["SUPABASE_URL"],
  });

export type Env = z.infer<typeof schema>;

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
    publicBaseUrl: env.PUBLIC_BASE_URL,
    logLevel: env.LOG_LEVEL,
    store: storeTarget(env),
    kv: kvTarget(env),
    kvPrefix: kvPrefix(env, storeTarget(env)),
    secrets: Object.fromEntries(
      providerEnvRows.map((p) => [p.name, ((env as Record<string, unknown>)[p.secret] as string[] | undefined) ?? []]),
    ),
    allowUnsigned: Object.fromEntries(
      providerEnvRows.map((p) => [
        p.name,
        p.unsigned !== undefined && (env as Record<string, unknown>)[p.unsigned] === true,
      ]),
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
  const field = typeof name === "string" ? (base as Record<string, z.ZodType | undefined>)[name] : undefined;
  const numeric =
    (issue.code === "invalid_type" && (issue.expected === "number" || issue.expected === "int")) ||
    ((issue.code === "too_small" || issue.code === "too_big") && issue.origin === "number");
  if (!field || !numeric || !/^(Invalid input|Too (small|big))/.test(issue.message)) return issue.message;
  const found = (value: string) => field.safeParse(value).error?.issues ?? [];
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
