// The ingest SQL function, through every transport: PGlite always, real PostgreSQL
// when DATABASE_URL is set, and supabase-js against a local PostgREST stand-in.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pgliteRpc } from "../../lib/store/pglite.js";
import { StoreError } from "../../lib/store/port.js";
import { createStore, type Store } from "../../lib/store/store.js";
import { supabaseRpc } from "../../lib/store/supabase.js";
import { DATABASE_URL, freshDatabase, postgresStore, type TestDatabase } from "../support/postgres.js";
import { startPostgrest, type FakePostgrest } from "../support/postgrest.js";
import { newEvent } from "../support/events.js";

function behavesAsTheStore(open: () => Promise<{ store: Store; close: () => Promise<void> }>) {
  let store: Store;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ store, close } = await open());
  });
  afterAll(() => close());

  it("records a new event with its deliveries, leased for the immediate attempt", async () => {
    const result = await store.events.ingest(newEvent({ destinations: ["agent", "audit"] }));
    expect(result.duplicate).toBe(false);
    expect(result.event_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(result.deliveries.map((d) => d.destination)).toEqual(["agent", "audit"]);
    expect(result.deliveries.every((d) => Number.isInteger(d.id))).toBe(true);
  });

  it("records a repeat of (source, dedup key) once, and creates no second set of deliveries", async () => {
    const event = newEvent({ destinations: ["agent"] });
    const first = await store.events.ingest(event);
    const second = await store.events.ingest({ ...event, body: new TextEncoder().encode("different retry body") });
    expect(second).toEqual({ event_id: first.event_id, duplicate: true, deliveries: [] });
  });

  it("keeps the same dedup key from different sources apart", async () => {
    const a = await store.events.ingest(newEvent({ dedupKey: "shared", source: "github", provider: "github" }));
    const b = await store.events.ingest(newEvent({ dedupKey: "shared", source: "stripe", provider: "stripe" }));
    expect(a.event_id).not.toBe(b.event_id);
  });

  it("stores bytes that are not text, and events with no payload", async () => {
    const result = await store.events.ingest(
      newEvent({ body: new Uint8Array([0, 255, 1, 254]), payload: null, type: null }),
    );
    expect(result.duplicate).toBe(false);
  });

  it("stores an event whose every derived field is poison (payload, key, type, headers), and knows its repeat", async () => {
    const poison = newEvent({
      dedupKey: `evt_\u0000\ud83d_${"k".repeat(3000)}_${Math.random()}`,
      type: `type\u0000\ud83d${"t".repeat(5000)}`,
      payload: { note: "half an emoji: \ud83d", deep: JSON.parse("[".repeat(5000) + "]".repeat(5000)) as unknown },
      headers: { "content-type": "application/json", "x-delivery": "a\ud800\u0000" },
    });
    const first = await store.events.ingest(poison);
    expect(first.duplicate).toBe(false);
    const again = await store.events.ingest(poison);
    expect(again).toEqual({ event_id: first.event_id, duplicate: true, deliveries: [] });
  });

  it("answers ping", async () => {
    await expect(store.ping()).resolves.toBeUndefined();
  });
}

describe("PGlite transport", () => {
  behavesAsTheStore(async () => {
    const store = createStore(await pgliteRpc("memory://"));
    return { store, close: () => store.close() };
  });
});

describe.skipIf(!DATABASE_URL)("Postgres transport (real PostgreSQL)", () => {
  let db: TestDatabase;
  behavesAsTheStore(async () => {
    db = await freshDatabase();
    const store = postgresStore(db.url);
    return {
      store,
      close: async () => {
        await store.close();
        await db.drop();
      },
    };
  });

  it("lets only service_role execute the functions, and exposes no table", async () => {
    const [grants] = await db.sql<{ service: boolean; public_schema: boolean; probe: boolean }[]>`
      select has_function_privilege('service_role', 'public.hookgate_ingest(text,text,text,text,boolean,text,jsonb,text,jsonb,jsonb,integer,integer)', 'execute') as service,
             has_schema_privilege('public', 'hookgate', 'usage') as public_schema,
             exists (select 1 from information_schema.role_routine_grants
                      where routine_name = 'hookgate_ingest' and grantee = 'PUBLIC') as probe`;
    expect(grants).toEqual({ service: true, public_schema: false, probe: false });
    const [definer] = await db.sql<{ secdef: boolean; config: string[] }[]>`
      select prosecdef as secdef, proconfig as config from pg_proc where proname = 'hookgate_ingest'`;
    expect(definer).toEqual({ secdef: true, config: ['search_path=""'] });
  });

  it("reports an unreachable server as unreachable", async () => {
    const store = postgresStore("postgres://postgres@127.0.0.1:1/none");
    const failure = await store.events.ingest(newEvent()).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(StoreError);
    expect((failure as StoreError).unreachable).toBe(true);
    await store.close();
  });
});

describe("Supabase transport (the Supabase rpc client against a local PostgREST stand-in)", () => {
  const key = "service-role-key-for-tests";
  let postgrest: FakePostgrest;
  let backend: Store;
  behavesAsTheStore(async () => {
    const backendRpc = await pgliteRpc("memory://");
    backend = createStore(backendRpc);
    postgrest = await startPostgrest(backendRpc, key);
    const store = createStore(supabaseRpc(postgrest.url, key));
    return {
      store,
      close: async () => {
        await postgrest.close();
        await backend.close();
      },
    };
  });

  it("calls POST /rest/v1/rpc/<fn> with the service role key", () => {
    const calls = postgrest.requests.filter((r) => r.path.startsWith("/rest/v1/rpc/hookgate_ingest"));
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.every((r) => r.method === "POST" && r.apikey === key && r.authorization === `Bearer ${key}`)).toBe(
      true,
    );
  });

  it("reports a refused key as a store error, and a dead server as unreachable", async () => {
    const wrongKey = createStore(supabaseRpc(postgrest.url, "wrong"));
    const refused = await wrongKey.ping().catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(StoreError);
    expect((refused as StoreError).unreachable).toBe(false);

    const dead = createStore(supabaseRpc("http://127.0.0.1:1", key));
    const down = await dead.ping().catch((e: unknown) => e);
    expect(down).toBeInstanceOf(StoreError);
    expect((down as StoreError).unreachable).toBe(true);
  });
});
