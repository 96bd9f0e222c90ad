// Retention: exactly what is past its time goes, in bounded batches, and nothing still
// pending, in flight, or within the dedup window ever does. PGlite always; real
// PostgreSQL when DATABASE_URL is set.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  cleanup,
  DEDUP_WINDOW_SECONDS,
  retentionPolicy,
  type RetentionPolicy,
} from "../../lib/operations/retention.js";
import { cronCleanup } from "../../lib/routes/operations.js";
import { loadConfig } from "../../lib/config/env.js";
import { endpointOf, testApp } from "../support/app.js";
import { targets, type Target } from "./harness.js";

const DAY = 86_400;
const defaults = retentionPolicy(loadConfig({}).env);
const later = () => new Date(Date.now() + 60_000);

/** One event `days` old, with deliveries in the given states (dead ones died `deadDays` ago). */
function event(
  key: string,
  days: number,
  deliveries: ("delivered" | "pending" | "in_flight" | "dead")[] = [],
  deadDays = days,
  attempts = 2,
): string {
  const at = (d: number) => `now() - interval '${d * 24 * 60} minutes'`;
  return [
    `insert into hookgate.events (source, provider, dedup_key, event_type, verified, received_at, raw_body)
     values ('stripe', 'stripe', '${key}', 't', true, ${at(days)}, '\\x7b7d');`,
    ...deliveries.map(
      (status, i) => `
     insert into hookgate.deliveries (event_id, destination, status, attempts, created_at, dead_at, lease_until)
     select id, 'd${i}', '${status}', ${attempts}, ${at(days)}, ${status === "dead" ? at(deadDays) : "null"},
            ${status === "in_flight" ? "now() + interval '1 minute'" : "null"}
       from hookgate.events where dedup_key = '${key}';
     insert into hookgate.delivery_attempts (delivery_id, attempt, attempted_at, duration_ms, outcome)
     select d.id, n, ${at(days)}, 5, case when n = ${attempts} and '${status}' = 'delivered' then 'delivered' else 'retry' end
       from hookgate.deliveries d join hookgate.events e on e.id = d.event_id, generate_series(1, ${attempts}) n
      where e.dedup_key = '${key}' and d.destination = 'd${i}';`,
    ),
  ].join("\n");
}

function rejection(days: number): string {
  return `insert into hookgate.rejected_requests (received_at, provider, reason, status, client_ip, body_prefix)
          values (now() - interval '${days * 24 * 60} minutes', 'github', 'bad_signature', 401, '198.51.100.7', '\\x00');`;
}

for (const factory of targets) {
  describe(`retention on ${factory.name}`, () => {
    let target: Target;
    beforeEach(async () => {
      target = await factory.open();
    });
    afterEach(() => target.close());

    const keys = async () =>
      (
        await target.one<{ keys: string[] | null }>(
          "select array_agg(dedup_key order by dedup_key) as keys from hookgate.events",
        )
      ).keys ?? [];
    const count = async (table: string) =>
      Number((await target.one<{ n: number | string }>(`select count(*) as n from hookgate.${table}`)).n);

    it("deletes exactly the expired events with their deliveries and attempts, and never an unfinished delivery", async () => {
      await target.exec(
        [
          event("old-delivered", 40, ["delivered", "delivered"]),
          event("old-no-deliveries", 31),
          event("old-pending", 40, ["delivered", "pending"]),
          event("old-in-flight", 40, ["in_flight"]),
          event("old-dead-recently", 40, ["dead"], 10),
          event("old-dead-long-ago", 40, ["dead"], 31),
          event("recent-delivered", 29, ["delivered"]),
          rejection(8),
          rejection(6),
        ].join("\n"),
      );
      const before = { deliveries: await count("deliveries"), attempts: await count("delivery_attempts") };

      const report = await cleanup(target.store.retention, defaults, { deadline: later() });

      expect(report).toMatchObject({ events: 3, deliveries: 3, attempts: 6, rejections: 1, stoppedBy: "idle" });
      expect(await keys()).toEqual(["old-dead-recently", "old-in-flight", "old-pending", "recent-delivered"]);
      expect(await count("deliveries")).toBe(before.deliveries - 3);
      expect(await count("delivery_attempts")).toBe(before.attempts - 6);
      expect(await count("rejected_requests")).toBe(1);
      const unfinished = await target.one<{ n: number | string }>(
        "select count(*) as n from hookgate.deliveries where status in ('pending', 'in_flight')",
      );
      expect(Number(unfinished.n)).toBe(2);

      // Nothing more to do: a second run deletes nothing.
      expect(await cleanup(target.store.retention, defaults, { deadline: later() })).toMatchObject({
        events: 0,
        rejections: 0,
        stoppedBy: "idle",
      });
    });

    it("keeps every event for at least the dedup window, however short the retention", async () => {
      await target.exec([event("two-days", 2, ["delivered"]), event("four-days", 4, ["delivered"])].join("\n"));
      const short: RetentionPolicy = { ...defaults, events: 1 * DAY };
      expect(DEDUP_WINDOW_SECONDS).toBe(3 * DAY);
      await cleanup(target.store.retention, short, { deadline: later() });
      expect(await keys()).toEqual(["two-days"]);
      // ...so a provider's retry of it is still a duplicate.
      const repeat = await target.store.events.ingest({
        source: "stripe",
        provider: "stripe",
        dedupKey: "two-days",
        type: "t",
        verified: true,
        body: new Uint8Array([123, 125]),
        payload: {},
        headers: {},
        destinations: [],
        leaseSeconds: 60,
      });
      expect(repeat.duplicate).toBe(true);
    });

    it("never deletes a dead letter that was replayed: it is pending again", async () => {
      await target.exec(event("replayed", 40, ["dead"], 35));
      const id = Number((await target.one<{ id: number | string }>("select id from hookgate.deliveries")).id);
      expect(await target.store.deliveries.replay({ id })).toMatchObject({ replayed: 1 });
      await cleanup(target.store.retention, defaults, { deadline: later() });
      expect(await keys()).toEqual(["replayed"]);
    });

    it("works in bounded batches, each reporting whether more is waiting", async () => {
      await target.exec(
        Array.from({ length: 35 }, (_, i) => event(`old-${String(i).padStart(2, "0")}`, 40, ["delivered"], 40, 1)).join(
          "\n",
        ),
      );
      const store = target.store.retention;
      const batches = [];
      for (let more = true; more;) {
        const batch = await store.cleanupBatch(defaults, 10);
        batches.push([batch.events, batch.more]);
        more = batch.more;
      }
      expect(batches).toEqual([
        [10, true],
        [10, true],
        [10, true],
        [5, false],
      ]);
      expect(await count("events")).toBe(0);
      expect(await count("delivery_attempts")).toBe(0);
    });

    it("stops before the deadline and resumes on the next run", async () => {
      await target.exec(Array.from({ length: 30 }, (_, i) => event(`old-${i}`, 40, ["delivered"], 40, 1)).join("\n"));
      // A clock that has already reached the deadline: not one batch may start.
      let now = 1_000_000;
      const stopped = await cleanup(target.store.retention, defaults, {
        deadline: new Date(now),
        clock: () => now,
        batch: 10,
      });
      expect(stopped).toMatchObject({ events: 0, batches: 0, stoppedBy: "deadline" });
      // A clock where each batch appears to take 1 s and 5 s remain: two batches fit, then it stops.
      const ticking = () => (now += 500);
      const partial = await cleanup(target.store.retention, defaults, {
        deadline: new Date(now + 5_500),
        clock: ticking,
        batch: 10,
        batchTargetMs: 1_000,
        restRatio: 0,
      });
      expect(partial.stoppedBy).toBe("deadline");
      expect(partial.events).toBeGreaterThan(0);
      expect(partial.events).toBeLessThan(30);
      const rest = await cleanup(target.store.retention, defaults, { deadline: later(), batch: 10 });
      expect(partial.events + rest.events).toBe(30);
      expect(rest.stoppedBy).toBe("idle");
    });

    it("answers the cron with what it deleted (CRON_SECRET)", async () => {
      await target.exec([event("old", 40, ["delivered"]), rejection(9)].join("\n"));
      const gateway = await testApp({ CRON_SECRET: "cron-secret-0123456789" }, { store: target.store });
      const endpoint = endpointOf(cronCleanup, async () => gateway);
      expect((await endpoint.fetch(new Request("http://gw.test/api/cron/cleanup"))).status).toBe(401);
      const response = await endpoint.fetch(
        new Request("http://gw.test/api/cron/cleanup", { headers: { authorization: "Bearer cron-secret-0123456789" } }),
      );
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({
        deleted: { events: 1, deliveries: 1, attempts: 2, rejected_requests: 1 },
        stopped_by: "idle",
        retention_days: { events: 30, dead_letters: 30, rejected_requests: 7, dedup_floor: 3 },
      });
    });
  });
}
