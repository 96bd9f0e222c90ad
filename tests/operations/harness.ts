// Stores for the operations tests: PGlite always, real PostgreSQL when DATABASE_URL is
// set (a fresh database per target), each with a way to run seeding SQL; and one
// known data set whose every figure the tests can state.
import { serve, type ServerType } from "@hono/node-server";
import type { AddressInfo } from "node:net";
import { loadConfig } from "../../lib/config/env.js";
import type { App } from "../../lib/app.js";
import type { Endpoint } from "../../lib/http/endpoint.js";
import { providers } from "../../lib/providers/catalog.js";
import { compileRouting, type Routing } from "../../lib/routing/table.js";
import { pgliteRpc } from "../../lib/store/pglite.js";
import { createStore, type Store } from "../../lib/store/store.js";
import { testApp } from "../support/app.js";
import { DATABASE_URL, freshDatabase, postgresStore } from "../support/postgres.js";

export interface Target {
  name: string;
  store: Store;
  /** Runs seeding SQL (several statements) as the owner. */
  exec(sql: string): Promise<void>;
  /** One row of a query, as the owner. */
  one<T>(sql: string): Promise<T>;
  close(): Promise<void>;
}

export type TargetFactory = { name: string; open(): Promise<Target> };

export const targets: TargetFactory[] = [
  {
    name: "PGlite",
    async open() {
      const rpc = await pgliteRpc("memory://");
      return {
        name: "PGlite",
        store: createStore(rpc),
        exec: async (sql) => {
          await rpc.db.exec(sql);
        },
        one: async <T>(sql: string) => (await rpc.db.query<T>(sql)).rows[0]!,
        close: () => rpc.close(),
      };
    },
  },
  ...(DATABASE_URL
    ? [
        {
          name: "PostgreSQL",
          async open(): Promise<Target> {
            const db = await freshDatabase();
            const store = postgresStore(db.url, 4);
            return {
              name: "PostgreSQL",
              store,
              exec: async (sql) => {
                await db.sql.unsafe(sql).simple();
              },
              one: async <T>(sql: string) => (await db.sql.unsafe(sql))[0] as T,
              close: async () => {
                await store.close();
                await db.drop();
              },
            };
          },
        },
      ]
    : []),
];

/** A fixed time for the SQL-level tests. */
export const NOW = new Date("2026-11-20T12:00:00Z");

/**
 * The known data set, relative to `base` (an SQL timestamptz expression):
 *
 *   stripe e1  5 min ago, ack 8 ms, 2 duplicates   agent: delivered at once
 *   stripe e2  10 min ago, ack 30 ms               agent: retry, then delivered a minute later
 *   github e3  2 h ago, ack 120 ms                 crm: retry, then dead an hour later
 *   github e4  3 h ago, ack 4 ms                   no deliveries
 *   stripe e5  30 h ago, ack 5000 ms               (outside every window)
 *   clickup e6 20 min ago, ack 60 ms               agent: pending, never attempted
 *   rejections: stripe bad_signature ×2 (1 min ago), github stale_timestamp (3 h ago), github bad_signature (2 days ago)
 */
export function seedSql(base: string): string {
  const at = (minutes: number) => `(${base} - interval '${minutes} minutes')`;
  // Its duplicates arrive in the same minute as the event (counted in duplicate_arrivals).
  const event = (key: string, provider: string, type: string, minutes: number, ack: number, duplicates = 0) =>
    `insert into hookgate.events (source, provider, dedup_key, event_type, verified, received_at, raw_body, payload, ack_ms, duplicates)
     values ('${provider}', '${provider}', '${key}', '${type}', true, ${at(minutes)}, convert_to('{"k":"${key}"}', 'UTF8'), '{"k":"${key}"}', ${ack}, ${duplicates});` +
    (duplicates > 0
      ? `insert into hookgate.duplicate_arrivals (provider, minute, count) values ('${provider}', date_trunc('minute', ${at(minutes)}), ${duplicates});`
      : "");
  const delivery = (key: string, destination: string, status: string, attempts: number, created: number, extra = "") =>
    `insert into hookgate.deliveries (event_id, destination, status, attempts, created_at, next_attempt_at${extra ? ", " + extra.split("=")[0] : ""})
     select id, '${destination}', '${status}', ${attempts}, ${at(created)}, ${at(created)}${extra ? ", " + extra.split("=")[1] : ""} from hookgate.events where dedup_key = '${key}';`;
  const attempt = (key: string, n: number, minutes: number, outcome: string, status: number | null) =>
    `insert into hookgate.delivery_attempts (delivery_id, attempt, attempted_at, duration_ms, outcome, status)
     select d.id, ${n}, ${at(minutes)}, 12, '${outcome}', ${status ?? "null"}
       from hookgate.deliveries d join hookgate.events e on e.id = d.event_id where e.dedup_key = '${key}';`;
  const rejection = (provider: string, reason: string, minutes: number) =>
    `insert into hookgate.rejected_requests (received_at, provider, reason, status, client_ip, body_prefix)
     values (${at(minutes)}, '${provider}', '${reason}', 401, '203.0.113.9', '\\x00');`;
  return [
    event("e1", "stripe", "charge.succeeded", 5, 8, 2),
    event("e2", "stripe", "charge.failed", 10, 30),
    event("e3", "github", "push", 120, 120),
    event("e4", "github", "ping", 180, 4),
    event("e5", "stripe", "charge.succeeded", 30 * 60, 5000),
    event("e6", "clickup", "taskCreated", 20, 60),
    delivery("e1", "agent", "delivered", 1, 5, `delivered_at=${at(5)}`),
    attempt("e1", 1, 5, "delivered", 200),
    delivery("e2", "agent", "delivered", 2, 10, `delivered_at=${at(9)}`),
    attempt("e2", 1, 10, "retry", 503),
    attempt("e2", 2, 9, "delivered", 200),
    delivery("e3", "crm", "dead", 2, 120, `dead_at=${at(60)}`),
    attempt("e3", 1, 120, "retry", 500),
    attempt("e3", 2, 60, "dead", 500),
    delivery("e6", "agent", "pending", 0, 20),
    rejection("stripe", "bad_signature", 1),
    rejection("stripe", "bad_signature", 1),
    rejection("github", "stale_timestamp", 180),
    rejection("github", "bad_signature", 2 * 24 * 60),
  ].join("\n");
}

/** Routing with these HTTP destinations (nothing is sent to them in these tests) and one route to the first. */
export function routingTo(names: readonly string[], url = "http://127.0.0.1:9/hook"): Routing {
  const env = loadConfig({ LOG_LEVEL: "silent" }).env;
  return compileRouting(
    {
      destinations: Object.fromEntries(names.map((name) => [name, { kind: "http" as const, url, unsigned: true }])),
      routes: [{ provider: "stripe", to: names.slice(0, 1) }],
    },
    { env, providers: providers.map((p) => p.name) },
  );
}

/** A test gateway over a fresh store seeded with the known data set (times relative to now). */
export async function seededGateway(env: Record<string, string>): Promise<{ target: Target; gateway: App }> {
  const target = await targets[0]!.open();
  await target.exec(seedSql("now()"));
  const gateway = await testApp(env, { store: target.store, routing: routingTo(["agent", "crm"]) });
  return { target, gateway };
}

/** A local HTTP server answering these paths with these endpoints (404 otherwise). */
export async function serveRoutes(routes: Record<string, Endpoint>): Promise<{ base: string; close(): Promise<void> }> {
  const server: ServerType = serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch: (request) =>
      routes[new URL(request.url).pathname]?.fetch(request) ?? Response.json({ message: "not found" }, { status: 404 }),
  });
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
