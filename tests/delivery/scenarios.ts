// Scenarios run on more than one store.
import { expect } from "vitest";
import type { App } from "../../lib/app.js";
import { forward } from "../../lib/routing/define.js";
import { engine, receiver, SECRET, seedDue } from "./support.js";
import { testApp } from "../support/app.js";

/** Run on PGlite (replay.test.ts) and real PostgreSQL (postgres.test.ts): 1,000 deliveries die on a 410, are replayed, and arrive once each. */
export async function replayThousand(base: App): Promise<void> {
  let gone = true;
  const target = await receiver(() => (gone ? { status: 410 } : { status: 200 }));
  const gateway = await testApp(
    {},
    {
      routes: {
        destinations: { bulk: forward({ url: target.url, secret: SECRET }) },
        routes: [{ provider: "clickup", to: ["bulk"] }],
      },
      store: base.store,
      kv: base.kv,
    },
  );
  try {
    const worker = engine(gateway);
    const events = await seedDue(gateway.store, ["bulk"], 1000);
    expect(await worker.drain({ concurrency: 50 })).toMatchObject({ dead: 1000 });
    expect(target.requests).toHaveLength(1000);

    expect(await worker.store.replay({ destination: "bulk" }, { dryRun: true })).toEqual({
      dry_run: true,
      matched: 1000,
      replayed: 0,
    });
    expect((await worker.store.listDeadLetters({ destination: "bulk" })).items).toHaveLength(50);

    gone = false;
    expect(await worker.store.replay({ destination: "bulk" })).toEqual({
      dry_run: false,
      matched: 1000,
      replayed: 1000,
    });
    expect(await worker.drain({ concurrency: 50 })).toMatchObject({ delivered: 1000 });

    const replayed = target.requests.slice(1000).map((r) => String(r.headers["webhook-id"]));
    expect(replayed).toHaveLength(1000);
    expect(new Set(replayed)).toEqual(new Set(events));
    expect((await worker.store.listDeadLetters({ destination: "bulk" })).items).toHaveLength(0);
    expect(await worker.store.replay({ destination: "bulk" }, { dryRun: true })).toMatchObject({ matched: 0 });
  } finally {
    await Promise.all([base.close(), target.close()]);
    await gateway.kv.close();
  }
}
