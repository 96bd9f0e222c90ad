// The dedup promise under real concurrency: PGlite is a single session and cannot
// show this, so it runs on real PostgreSQL only.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../lib/app.js";
import { webhook } from "../../lib/routes/webhooks.js";
import { clickup } from "../../lib/providers/clickup.js";
import { endpointOf, testApp } from "../support/app.js";
import { DATABASE_URL, freshDatabase, postgresStore, type TestDatabase } from "../support/postgres.js";
import { sample, signedRequest } from "../support/requests.js";

describe.skipIf(!DATABASE_URL)("200 concurrent deliveries of one ClickUp event (real PostgreSQL)", () => {
  const secret = "concurrency-secret";
  let db: TestDatabase;
  let gateway: App;

  beforeAll(async () => {
    db = await freshDatabase();
    gateway = await testApp(
      { CLICKUP_WEBHOOK_SECRET: secret },
      { store: postgresStore(db.url, 20), route: () => ["agent", "audit"] },
    );
  });
  afterAll(async () => {
    await gateway.close();
    await db.drop();
  });

  it("stores exactly one event and one set of deliveries, and answers every request 2xx", async () => {
    const handler = endpointOf(webhook(clickup), async () => gateway);
    const body = sample("clickup", "taskCreated.json");
    const responses = await Promise.all(
      Array.from({ length: 200 }, () => handler.fetch(signedRequest(clickup, { secret, body }))),
    );

    expect(responses.map((r) => r.status).filter((s) => s < 200 || s >= 300)).toEqual([]);
    const answers = (await Promise.all(responses.map((r) => r.json()))) as { id: string; duplicate: boolean }[];
    expect(new Set(answers.map((a) => a.id)).size).toBe(1);
    expect(answers.filter((a) => !a.duplicate)).toHaveLength(1);

    const [counts] = await db.sql<{ events: number; deliveries: number }[]>`
      select (select count(*)::int from hookgate.events) as events,
             (select count(*)::int from hookgate.deliveries) as deliveries`;
    expect(counts).toEqual({ events: 1, deliveries: 2 });
  });
});
