// The one client of the CLI: a deployment's admin API (HOOKGATE_URL + ADMIN_TOKEN); or,
// when HOOKGATE_URL is unset, the `npm start` running on this data directory (found
// through its server.json, lib/cli/local-server.ts); or, when none runs, the app this
// machine is configured for (its store, KV and routes), served in-process by the same
// route handlers, the embedded store locked meanwhile. Either way the same requests,
// the same answers, and input checked by the API's own schemas first (a misuse is a
// usage error before anything is sent).
import { randomBytes } from "node:crypto";
import * as z from "../config/zod.js";
import { openApp, type App } from "../app.js";
import { loadConfig } from "../config/env.js";
import { eventsQuery, event, events, overviewRoute, routing, type Overview } from "../routes/admin.js";
import { deadLetterQuery, deadLetters, delivery, replay, replayRequest, retry } from "../routes/deliveries.js";
import { keysChange, keysList, keysRequest } from "../routes/keys.js";
import type { Route } from "../routes/route.js";
import type { SigningKeyView } from "../signing/keyring.js";
import { users } from "../routes/users.js";
import type { WhatsappUserView } from "../store/whatsapp-users.js";
import { served } from "../routes/route.js";
import type { RecordedDecision } from "../store/clickup-directory.js";
import type { DeadLetterPage, DeliveryDetail, ReplayResult } from "../store/deliveries.js";
import type { EventDetail, EventSummary } from "../store/events.js";
import { flagOf, knownName, UsageError } from "./command.js";
import { providers } from "../providers/catalog.js";
import { lockStore, readToken, runningServer } from "./local-server.js";

export type DeadLetterQuery = z.input<typeof deadLetterQuery>;
export type ReplayRequest = z.input<typeof replayRequest>;
export type EventsQuery = z.input<typeof eventsQuery>;
export type KeysRequest = z.input<typeof keysRequest>;

export interface EventsPage {
  items: EventSummary[];
  next_cursor: string | null;
}

export interface AdminClient {
  /** "https://…" or "local store (postgres)". */
  readonly where: string;
  overview(): Promise<Overview>;
  events(query: EventsQuery): Promise<EventsPage>;
  event(id: string): Promise<EventDetail | null>;
  routing(query: { task?: string; event?: string; limit?: number }): Promise<RecordedDecision[]>;
  /** The WhatsApp onboarding's users, newest first. */
  users(query: { limit?: number }): Promise<WhatsappUserView[]>;
  /** One user by id or E.164 phone number; null when there is none. */
  user(query: { id?: string; phone?: string }): Promise<WhatsappUserView | null>;
  listDeadLetters(query: DeadLetterQuery): Promise<DeadLetterPage>;
  getDelivery(id: number): Promise<DeliveryDetail | null>;
  replay(request: ReplayRequest): Promise<ReplayResult & { message?: string }>;
  /**
   * Makes a pending delivery due at once (POST /api/admin/retry {id}); the breaker
   * still applies when it is attempted.
   */
  retry(id: number): Promise<{ message?: string } & Record<string, unknown>>;
  /** The signing keys (GET /api/admin/keys): where they come from, and each one's state. */
  keys(): Promise<{ source: "store" | "env"; keys: SigningKeyView[] }>;
  /** A change of the signing keys (POST /api/admin/key): create, rotate, retire, revoke. */
  changeKeys(request: KeysRequest): Promise<{ message: string } & Record<string, unknown>>;
  /** Destination names the deployment knows: in its routes, or holding deliveries. */
  destinations(): Promise<string[]>;
  close(): Promise<void>;
}

/** Sends one admin request: `path` is `/api/admin/<route>` with its query. */
type Send = (path: string, init?: { method: string; body: string }) => Promise<Response>;

/** The admin routes the client calls, by path. */
const ROUTES: Record<string, Route> = {
  "/api/admin/overview": overviewRoute,
  "/api/admin/events": events,
  "/api/admin/event": event,
  "/api/admin/routing": routing,
  "/api/admin/users": users,
  "/api/admin/dead-letters": deadLetters,
  "/api/admin/delivery": delivery,
  "/api/admin/replay": replay,
  "/api/admin/retry": retry,
  "/api/admin/keys": keysList,
  "/api/admin/key": keysChange,
};

export async function openAdminClient(env: Record<string, string | undefined>): Promise<AdminClient> {
  const base = env.HOOKGATE_URL?.replace(/\/+$/, "");
  if (base) {
    if (!env.ADMIN_TOKEN) throw new UsageError("HOOKGATE_URL is set, so ADMIN_TOKEN is needed too");
    return client(
      base,
      http(
        base,
        env.ADMIN_TOKEN,
        (cause) => `cannot reach ${base} (${cause}): check HOOKGATE_URL and that the deployment is up`,
      ),
      async () => {},
    );
  }
  // In-process, through the routes' own frame: this process alone holds the token.
  const config = loadConfig({ LOG_LEVEL: "warn", ...env, ADMIN_TOKEN: randomBytes(24).toString("base64url") });
  const dataDir = config.env.HOOKGATE_DATA_DIR;
  // `npm start` runs on this data directory: ask it, never open its store beside it.
  const server = runningServer(dataDir);
  if (server) {
    const token = env.ADMIN_TOKEN ?? readToken(dataDir);
    if (!token)
      throw new Error(
        `hookgate runs at ${server.url} (pid ${server.pid}) with an ADMIN_TOKEN this shell does not have: set ADMIN_TOKEN to the same value`,
      );
    const unreachable = (cause: string) =>
      `hookgate (pid ${server.pid}) is registered at ${server.url} in ${dataDir}/server.json but does not answer (${cause}): wait for it to finish starting, or stop it (kill ${server.pid}) and run this again`;
    return client(`local server ${server.url}`, http(server.url, token, unreachable), async () => {});
  }
  // No server: the embedded store is opened here, and locked while it is.
  const lock = config.store.transport === "pglite" ? lockStore(dataDir, "npx hookgate") : undefined;
  let app: App;
  try {
    app = await openApp(config);
  } catch (error) {
    lock?.release();
    throw error;
  }
  return client(`local store (${app.store.transport})`, local(app, config.env.ADMIN_TOKEN!), async () => {
    await app.close();
    lock?.release();
  });
}

/** A request waits this long for an answer before the command gives up. */
const REQUEST_TIMEOUT_MS = 30_000;

/** Admin requests over HTTP; a network failure becomes one line saying what to do. */
function http(base: string, token: string, unreachable: (cause: string) => string): Send {
  return async (path, init) => {
    try {
      return await fetch(`${base.replace(/\/+$/, "")}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      throw new Error(unreachable(networkCause(error)), { cause: error });
    }
  };
}

/** `ECONNREFUSED`, `ENOTFOUND`, `no answer within 30 s`: what a person needs from a failed fetch. */
export function networkCause(error: unknown): string {
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError"))
    return `no answer within ${REQUEST_TIMEOUT_MS / 1000} s`;
  const cause = error instanceof Error ? (error.cause as NodeJS.ErrnoException | undefined) : undefined;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}

function local(app: App, token: string): Send {
  const endpoints = new Map(Object.entries(ROUTES).map(([path, route]) => [path, served(route, async () => app)]));
  return (path, init) => {
    const request = new Request(`http://hookgate.local${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    });
    const endpoint = endpoints.get(new URL(request.url).pathname);
    if (!endpoint)
      return Promise.resolve(
        Response.json({ error: "not_found", message: `${path} is not served by this build` }, { status: 404 }),
      );
    return endpoint.fetch(request);
  };
}

function client(where: string, send: Send, close: () => Promise<void>): AdminClient {
  /** The answer's JSON; null for a 404 where the caller asked for it (an unknown id). */
  const call = async <T>(path: string, init?: { method: string; body: string }, missing = false): Promise<T | null> => {
    const response = await send(path, init);
    if (missing && response.status === 404) return null;
    const text = await response.text();
    let body: { message?: string } & Record<string, unknown>;
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      throw new Error(`${response.status} from ${where}: ${text.slice(0, 200)}`);
    }
    if (!response.ok) throw new Error(`${response.status} from ${where}: ${body.message ?? text.slice(0, 200)}`);
    return body as T;
  };
  const get = async <T>(path: string, query: Record<string, unknown> = {}, missing = false) =>
    call<T>(`${path}${search(query)}`, undefined, missing);
  return {
    where,
    overview: async () => (await get<Overview>("/api/admin/overview"))!,
    async events(query) {
      check(eventsQuery, defined(query));
      return (await get<EventsPage>("/api/admin/events", query))!;
    },
    event: (id) => get<EventDetail>("/api/admin/event", { id }, true),
    routing: async (query) => (await get<{ decisions: RecordedDecision[] }>("/api/admin/routing", query))!.decisions,
    users: async (query) => (await get<{ users: WhatsappUserView[] }>("/api/admin/users", query))!.users,
    user: (query) => get<WhatsappUserView>("/api/admin/users", query, true),
    async listDeadLetters(query) {
      check(deadLetterQuery, query);
      return (await get<DeadLetterPage>("/api/admin/dead-letters", query))!;
    },
    getDelivery: (id) => get<DeliveryDetail>("/api/admin/delivery", { id }, true),
    async replay(request) {
      check(replayRequest, request);
      return (await call<ReplayResult>("/api/admin/replay", { method: "POST", body: JSON.stringify(request) }))!;
    },
    retry: async (id) =>
      (await call<{ message?: string }>("/api/admin/retry", { method: "POST", body: JSON.stringify({ id }) }))!,
    keys: async () => (await get<{ source: "store" | "env"; keys: SigningKeyView[] }>("/api/admin/keys"))!,
    async changeKeys(request) {
      check(keysRequest, request);
      return (await call<{ message: string }>("/api/admin/key", { method: "POST", body: JSON.stringify(request) }))!;
    },
    async destinations() {
      const { metrics } = (await get<Overview>("/api/admin/overview"))!;
      return [
        ...new Set([...metrics.breakers.map((b) => b.destination), ...metrics.deliveries.map((d) => d.destination)]),
      ];
    },
    close,
  };
}

/** An unknown --provider or --destination is a usage error listing the known ones. */
export async function checkNames(client: AdminClient, names: { provider?: string; destination?: string }) {
  knownName(
    "provider",
    names.provider,
    providers.map((p) => p.name),
  );
  if (names.destination !== undefined) knownName("destination", names.destination, await client.destinations());
}

function check<T>(schema: z.Schema<T>, input: unknown): T {
  const parsed = z.safeParse(schema, input);
  if (!parsed.success)
    throw new UsageError(
      parsed.error.issues
        .map((i) => `${i.path.length ? flagOf(String(i.path[0])) : "options"}: ${i.message}`)
        .join("; "),
    );
  return parsed.data;
}

/** Drops undefined values, so an unset option is not sent as a parameter. */
function defined(query: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(query)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, v instanceof Date ? v.toISOString() : String(v)]),
  );
}

function search(query: Record<string, unknown>): string {
  const text = new URLSearchParams(defined(query)).toString();
  return text ? `?${text}` : "";
}
