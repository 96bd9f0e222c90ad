// Delivery on real PostgreSQL: concurrent workers, a worker killed mid-attempt, and
// replay at volume. Runs when DATABASE_URL is set (see tests/support/services.ts).
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LEASE_SECONDS } from "../../lib/delivery/engine.js";
import type { App } from "../../lib/app.js";
import { forward } from "../../lib/routing/define.js";
import { DATABASE_URL, freshDatabase, postgresStore, type TestDatabase } from "../support/postgres.js";
import { replayThousand } from "./scenarios.js";
import { engine, manualClock, receiver, SECRET, seedDue } from "./support.js";
import { testApp } from "../support/app.js";

describe.skipIf(!DATABASE_URL)("delivery on real PostgreSQL", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await freshDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  async function gatewayTo(url: string, destination = "downstream"): Promise<App> {
    return testApp(
      {},
      {
        routes: {
          destinations: { [destination]: forward({ url, secret: SECRET }) },
          routes: [{ provider: "clickup", to: [destination] }],
        },
        store: postgresStore(db.url, 10),
      },
    );
  }

  it("two cron workers at once attempt each due delivery exactly once", async () => {
    const target = await receiver();
    const [a, b] = [await gatewayTo(target.url, "pair"), await gatewayTo(target.url, "pair")];
    try {
      const events = await seedDue(a.store, ["pair"], 600);
      const [ra, rb] = await Promise.all([
        engine(a).drain({ concurrency: 20, lanes: 2 }),
        engine(b).drain({ concurrency: 20, lanes: 2 }),
      ]);
      expect(ra.delivered + rb.delivered).toBe(600);
      expect(ra.delivered).toBeGreaterThan(0);
      expect(rb.delivered).toBeGreaterThan(0);
      const ids = target.requests.map((r) => String(r.headers["webhook-id"]));
      expect(ids).toHaveLength(600);
      expect(new Set(ids)).toEqual(new Set(events));
      const [row] = await db.sql`select count(*)::int as count from hookgate.delivery_attempts a
        join hookgate.deliveries d on d.id = a.delivery_id where d.destination = 'pair'`;
      expect(row?.count).toBe(600);
    } finally {
      await Promise.all([a.close(), b.close(), target.close()]);
    }
  });

  it("a worker killed mid-attempt: not doubled while leased, retried after the lease, not lost", async () => {
    let answered = 0;
    const target = await receiver((_, n) => (n === 1 ? "hang" : (answered++, { status: 200 })));
    const gateway = await gatewayTo(target.url, "crash");
    try {
      const [eventId] = await seedDue(gateway.store, ["crash"], 1);
      const script = fileURLToPath(new URL("./fixtures/worker.ts", import.meta.url));
      const child = spawn(process.execPath, ["--import", "tsx", script, db.url, "crash", target.url], {
        stdio: "ignore",
      });
      await target.seen(1); // the child has claimed it and is mid-attempt
      const exited = new Promise((resolve) => child.on("exit", resolve));
      child.kill("SIGKILL");
      await exited;

      const clock = manualClock();
      const worker = engine(gateway, { clock: clock.now });
      // Still leased by the dead worker: nobody else takes it.
      expect(await worker.drain()).toMatchObject({ claimed: 0 });
      expect(target.requests).toHaveLength(1);

      // Once the lease has expired, the next cron run takes it and delivers it.
      clock.advance((LEASE_SECONDS + 1) * 1000);
      expect(await worker.drain()).toMatchObject({ claimed: 1, delivered: 1 });
      expect(answered).toBe(1);
      expect(target.requests.map((r) => r.headers["webhook-id"])).toEqual([eventId, eventId]);
      const [row] =
        await db.sql`select d.status, d.attempts from hookgate.deliveries d join hookgate.events e on e.id = d.event_id
        where e.id = ${eventId!}`;
      expect(row).toEqual({ status: "delivered", attempts: 1 });
    } finally {
      await Promise.all([gateway.close(), target.close()]);
    }
  });

  it("replays 1,000 dead deliveries, and the receiver gets each once", async () => {
    await replayThousand(await gatewayTo("http://127.0.0.1:9/unused", "bulk"));
  });
});
