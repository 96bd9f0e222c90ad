// Group commit (lib/store/group-commit.ts, hookgate_ingest_batch): concurrent ingests
// share round trips with the same answers a lone ingest gets. On PGlite always, on real
// PostgreSQL when DATABASE_URL is set, and through the Supabase rpc client against the
// local PostgREST stand-in. Round trips are counted at the transport (the Rpc).
import type { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pgliteRpc } from "../../lib/store/pglite.js";
import { StoreError, type Rpc, type SqlFunction } from "../../lib/store/port.js";
import { postgresRpc } from "../../lib/store/postgres.js";
import { createStore, type Store, type StoreOptions } from "../../lib/store/store.js";
import { supabaseRpc } from "../../lib/store/supabase.js";
import { DATABASE_URL, freshDatabase, type TestDatabase } from "../support/postgres.js";
import { startPostgrest, type FakePostgrest } from "../support/postgrest.js";
import { newEvent } from "../support/events.js";

/** The transport, with every call it was handed: the number of round trips, and each batch's items. */
function counted(rpc: Rpc): Rpc & { batches: unknown[][] } {
  const batches: unknown[][] = [];
  return {
    transport: rpc.transport,
    batches,
    call<T>(fn: SqlFunction, values: readonly unknown[]): Promise<T> {
      if (fn.name === "hookgate_ingest_batch") batches.push(values[0] as unknown[]);
      return rpc.call<T>(fn, values);
    },
    close: () => rpc.close(),
  };
}

interface Backend {
  rpc(): Rpc;
  /** Runs SQL on the database itself (a trigger, a lock). */
  exec(sql: string): Promise<void>;
  count(dedupKeys: string[]): Promise<number>;
}

function groupCommits(label: string, open: () => Promise<Backend & { close(): Promise<void> }>) {
  describe(label, () => {
    let backend: Backend & { close(): Promise<void> };
    beforeAll(async () => {
      backend = await open();
    });
    afterAll(() => backend.close());

    const storeOn = (options: StoreOptions = {}) => {
      const rpc = counted(backend.rpc());
      return { rpc, store: createStore(rpc, options) };
    };

    it("sends a lone ingest at once: the call is made before ingest() returns, with no wait for company", async () => {
      const { rpc, store } = storeOn();
      const answer = store.events.ingest(newEvent());
      expect(rpc.batches).toHaveLength(1);
      expect(rpc.batches[0]).toHaveLength(1);
      expect((await answer).duplicate).toBe(false);
    });

    it("records N concurrent ingests in fewer round trips than N, each answered with its own event, in order", async () => {
      const { rpc, store } = storeOn();
      const events = Array.from({ length: 40 }, (_, i) => newEvent({ destinations: i % 2 === 0 ? ["agent"] : [] }));
      const results = await Promise.all(events.map((event) => store.events.ingest(event)));

      expect(rpc.batches.length).toBeLessThan(events.length);
      expect(rpc.batches.flat()).toHaveLength(events.length);
      expect(results.every((r) => !r.duplicate)).toBe(true);
      expect(new Set(results.map((r) => r.event_id)).size).toBe(events.length);
      // Each answer is its own event's: the event it names holds that event's dedup key.
      for (const [i, result] of results.entries()) {
        const stored = await store.events.get(result.event_id);
        expect(stored?.dedup_key).toBe(events[i]!.dedupKey);
        expect(result.deliveries.map((d) => d.destination)).toEqual(i % 2 === 0 ? ["agent"] : []);
      }
    });

    it("answers two copies of one event in the same batch as one new event and one duplicate", async () => {
      const { rpc, store } = storeOn();
      const copy = newEvent({ destinations: ["agent"] });
      // The first takes the in-flight place, so the two copies queue up and leave together.
      const first = store.events.ingest(newEvent());
      const [a, b] = await Promise.all([store.events.ingest(copy), store.events.ingest(copy), first]);

      expect(rpc.batches.map((batch) => batch.length)).toEqual([1, 2]);
      expect(a.duplicate).toBe(false);
      expect(a.deliveries).toHaveLength(1);
      expect(b).toEqual({ event_id: a.event_id, duplicate: true, deliveries: [] });
      const stored = await store.events.get(a.event_id);
      expect(stored?.duplicates).toBe(1);
    });

    it("in one batch, counts every copy of a stored event and of a new one, and leases deliveries in the order named", async () => {
      const { rpc, store } = storeOn();
      const provider = `mixed-${Math.random()}`;
      const stored = newEvent({ provider });
      const storedAnswer = await store.events.ingest(stored);
      const fresh = newEvent({ provider, destinations: ["zeta", "alpha", "mid"] });
      const other = newEvent({ provider, destinations: ["alpha"] });
      const first = store.events.ingest(newEvent());
      const answers = await Promise.all(
        [stored, fresh, stored, fresh, other, fresh].map((event) => store.events.ingest(event)),
      );
      await first;

      // The six left together (with `first`, when it found the previous batch still finishing).
      expect(rpc.batches.at(-1)!.length).toBeGreaterThanOrEqual(6);
      const [storedCopy, freshFirst, storedAgain, freshCopy, otherFirst, freshLast] = answers;
      expect(storedCopy).toEqual({ event_id: storedAnswer.event_id, duplicate: true, deliveries: [] });
      expect(storedAgain).toEqual(storedCopy);
      expect(freshFirst!.duplicate).toBe(false);
      expect(freshFirst!.deliveries.map((d) => d.destination)).toEqual(["zeta", "alpha", "mid"]);
      expect(otherFirst!.deliveries.map((d) => d.destination)).toEqual(["alpha"]);
      for (const copy of [freshCopy, freshLast]) {
        expect(copy).toEqual({ event_id: freshFirst!.event_id, duplicate: true, deliveries: [] });
      }
      expect((await store.events.get(storedAnswer.event_id))?.duplicates).toBe(2);
      expect((await store.events.get(freshFirst!.event_id))?.duplicates).toBe(2);
      expect((await store.events.get(otherFirst!.event_id))?.duplicates).toBe(0);
      const arrivals = (await store.metrics.snapshot()).events.find(
        (row) => row.provider === provider && row.outcome === "duplicate",
      );
      expect(arrivals?.last_15m).toBe(4);
    });

    it("fails every caller of a failed batch with a StoreError, and records none of its events", async () => {
      // A trigger refuses one event: the batch's transaction fails as a whole.
      await backend.exec(`
        create function hookgate.refuse_poison() returns trigger language plpgsql as $$
        begin
          if new.dedup_key like 'poison-%' then raise exception 'refused by the test'; end if;
          return new;
        end $$;
        create trigger refuse_poison before insert on hookgate.events
          for each row execute function hookgate.refuse_poison()`);
      try {
        const { rpc, store } = storeOn();
        const first = store.events.ingest(newEvent());
        const batch = [newEvent(), newEvent(), newEvent({ dedupKey: `poison-${Math.random()}` }), newEvent()];
        const outcomes = await Promise.allSettled(batch.map((event) => store.events.ingest(event)));
        await first;

        expect(rpc.batches.map((b) => b.length)).toEqual([1, 4]);
        for (const outcome of outcomes) {
          expect(outcome.status).toBe("rejected");
          expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(StoreError);
        }
        expect(await backend.count(batch.map((e) => e.dedupKey))).toBe(0);
      } finally {
        await backend.exec("drop trigger refuse_poison on hookgate.events; drop function hookgate.refuse_poison()");
      }
    });

    it("keeps batches within the count bound", async () => {
      const { rpc, store } = storeOn({ batch: { maxItems: 3 } });
      await Promise.all(Array.from({ length: 20 }, () => store.events.ingest(newEvent())));
      expect(rpc.batches.flat()).toHaveLength(20);
      expect(Math.max(...rpc.batches.map((b) => b.length))).toBeLessThanOrEqual(3);
      expect(rpc.batches.length).toBeLessThan(20);
    });

    it("keeps batches within the byte bound, and sends an event larger than the bound alone", async () => {
      // A 10 kB body counts about 24 kB in a batch (its base64, its payload, the rest).
      const { rpc, store } = storeOn({ batch: { maxBytes: 50_000 } });
      const body = new TextEncoder().encode(JSON.stringify({ text: "x".repeat(10_000) }));
      const events = Array.from({ length: 12 }, () => newEvent({ body }));
      const huge = newEvent({ body: new Uint8Array(200_000) });
      await Promise.all([...events, huge].map((event) => store.events.ingest(event)));

      expect(rpc.batches.flat()).toHaveLength(13);
      expect(Math.max(...rpc.batches.map((b) => b.length))).toBeLessThanOrEqual(2);
      const hugeBatch = rpc.batches.find((b) =>
        b.some((item) => (item as { body_base64: string }).body_base64.length > 100_000),
      );
      expect(hugeBatch).toHaveLength(1);
    });
  });
}

groupCommits("PGlite transport", async () => {
  const rpc = await pgliteRpc("memory://");
  const db: PGlite = rpc.db;
  return {
    rpc: () => rpc,
    exec: async (sql) => {
      await db.exec(sql);
    },
    count: async (keys) =>
      (
        await db.query<{ n: number }>("select count(*)::int as n from hookgate.events where dedup_key = any($1)", [
          keys,
        ])
      ).rows[0]!.n,
    close: () => rpc.close(),
  };
});

describe.skipIf(!DATABASE_URL)("real PostgreSQL (skipped: DATABASE_URL is not set)", () => {
  let db: TestDatabase;
  const rpcs: Rpc[] = [];
  const open = async () => {
    db ??= await freshDatabase();
    return {
      rpc: () => {
        const rpc = postgresRpc(db.url, { max: 4 });
        rpcs.push(rpc);
        return rpc;
      },
      exec: async (sql: string) => {
        await db.sql.unsafe(sql).simple();
      },
      count: async (keys: string[]) =>
        (
          await db.sql<{ n: number }[]>`select count(*)::int as n from hookgate.events where dedup_key = any(${keys})`
        )[0]!.n,
      close: async () => {},
    };
  };
  afterAll(async () => {
    await Promise.all(rpcs.map((rpc) => rpc.close()));
    await db?.drop();
  });

  groupCommits("Postgres transport", open);

  it("records 200 concurrent copies of one event, from two processes' stores, as exactly one event", async () => {
    const backend = await open();
    const stores = [createStore(backend.rpc()), createStore(backend.rpc())];
    const event = newEvent({ destinations: ["agent", "audit"] });
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => stores[i % 2]!.events.ingest(event)));

    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    expect(new Set(results.map((r) => r.event_id)).size).toBe(1);
    const [row] = await db.sql<{ events: number; duplicates: number; deliveries: number }[]>`
      select count(*)::int as events, max(duplicates)::int as duplicates,
             (select count(*)::int from hookgate.deliveries d join hookgate.events e on e.id = d.event_id
               where e.dedup_key = ${event.dedupKey}) as deliveries
        from hookgate.events where dedup_key = ${event.dedupKey}`;
    expect(row).toEqual({ events: 1, duplicates: 199, deliveries: 2 });
  });

  it("regression: batches of two processes holding the same events in opposite orders never deadlock", async () => {
    const backend = await open();
    const stores = [createStore(backend.rpc()), createStore(backend.rpc())];
    const events = Array.from({ length: 12 }, () => newEvent());
    for (let round = 0; round < 6; round += 1) {
      // Each store: one ingest in flight, then the twelve queued behind it leave as one batch.
      const outcomes = await Promise.allSettled(
        stores.flatMap((store, s) => {
          const order = s === 0 ? events : [...events].reverse();
          return [store.events.ingest(newEvent()), ...order.map((event) => store.events.ingest(event))];
        }),
      );
      expect(outcomes.filter((o) => o.status === "rejected")).toEqual([]);
    }
    expect(await backend.count(events.map((e) => e.dedupKey))).toBe(12);
  });

  it("answers a caller still queued past its deadline with a 503 StoreError, and never sends it", async () => {
    const backend = await open();
    // The transport would wait 10 s; the store's deadline for each caller is 300 ms.
    const rpc = counted(postgresRpc(db.url, { max: 2, timeoutMs: 10_000 }));
    rpcs.push(rpc);
    const store = createStore(rpc, { timeoutMs: 300 });
    const locker = await db.sql.reserve();
    await locker`begin`;
    await locker`lock table hookgate.events in access exclusive mode`;
    try {
      const sent = newEvent();
      const queued = newEvent();
      const outcomes = await Promise.allSettled([store.events.ingest(sent), store.events.ingest(queued)]);
      for (const outcome of outcomes) {
        expect(outcome.status).toBe("rejected");
        const reason = (outcome as PromiseRejectedResult).reason as StoreError;
        expect(reason).toBeInstanceOf(StoreError);
        expect(reason.unreachable).toBe(true);
      }
      await locker`rollback`;
      // The sent batch finishes unobserved once the lock is gone; the queued caller never leaves.
      await expect.poll(() => backend.count([sent.dedupKey])).toBe(1);
      expect(rpc.batches).toHaveLength(1);
      expect(await backend.count([queued.dedupKey])).toBe(0);
    } finally {
      locker.release();
    }
  });
});

describe("Supabase transport (one HTTP call per batch, against a local PostgREST stand-in)", () => {
  const key = "service-role-key-for-tests";
  let postgrest: FakePostgrest;
  let backend: Rpc;
  let store: Store;
  beforeAll(async () => {
    backend = await pgliteRpc("memory://");
    postgrest = await startPostgrest(backend, key);
    store = createStore(supabaseRpc(postgrest.url, key));
  });
  afterAll(async () => {
    await postgrest.close();
    await backend.close();
  });

  it("sends concurrent ingests as fewer POSTs to /rest/v1/rpc/hookgate_ingest_batch than ingests, each answered", async () => {
    const before = postgrest.requests.length;
    const events = Array.from({ length: 30 }, () => newEvent());
    const results = await Promise.all(events.map((event) => store.events.ingest(event)));
    const posts = postgrest.requests.slice(before);

    expect(posts.every((r) => r.method === "POST" && r.path === "/rest/v1/rpc/hookgate_ingest_batch")).toBe(true);
    expect(posts.length).toBeLessThan(events.length);
    expect(results.every((r) => !r.duplicate)).toBe(true);
    for (const [i, result] of results.entries()) {
      expect((await store.events.get(result.event_id))?.dedup_key).toBe(events[i]!.dedupKey);
    }
  });
});
