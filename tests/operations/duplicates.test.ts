// Duplicates are counted when they arrive, not at the original's arrival: a Stripe retry
// two days after the original moves the 15-minute and 24-hour counts of /api/metrics
// (hookgate_metrics) and the weekly report. PGlite, and real PostgreSQL when DATABASE_URL is set.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../lib/app.js";
import { settled } from "../../lib/http/after.js";
import type { StoreMetrics } from "../../lib/store/metrics.js";
import { webhook } from "../../lib/routes/webhooks.js";
import { stripe } from "../../lib/providers/stripe.js";
import { endpointOf, testApp } from "../support/app.js";
import { sample, signedRequest } from "../support/requests.js";
import { targets, type Target } from "./harness.js";

const SECRET = "whsec_duplicates_test";

const stripeOutcomes = (m: StoreMetrics) =>
  m.events.filter((e) => e.provider === "stripe" && !e.outcome.startsWith("rejected"));

for (const factory of targets) {
  describe(`duplicates counted when they arrive, on ${factory.name}`, () => {
    let target: Target;
    let gateway: App;
    beforeAll(async () => {
      target = await factory.open();
      gateway = await testApp({ STRIPE_WEBHOOK_SECRET: SECRET, RATE_LIMIT_PER_IP: "off" }, { store: target.store });
    });
    afterAll(async () => {
      await settled();
      await target.close();
    });

    const fn = () => endpointOf(webhook(stripe), async () => gateway);
    const send = async (body: string) =>
      (await (await fn().fetch(signedRequest(stripe, { secret: SECRET, body }))).json()) as {
        id: string;
        duplicate: boolean;
      };

    it("a Stripe retry two days after the original moves the 15-minute and 24-hour counts and the report's week", async () => {
      const body = sample("stripe", "payment_intent.succeeded.json").replace(
        /"evt_[^"]+"/,
        `"evt_retry_${Date.now()}"`,
      );
      const original = await send(body);
      expect(original.duplicate).toBe(false);
      // The original arrived two days ago.
      await target.exec(
        `update hookgate.events set received_at = now() - interval '2 days' where id = '${original.id}'`,
      );
      const ops = target.store.metrics;
      expect(stripeOutcomes(await ops.snapshot())).toEqual([]);

      const retry = await send(body);
      expect(retry).toEqual({ id: original.id, duplicate: true });

      expect(stripeOutcomes(await ops.snapshot())).toEqual([
        { provider: "stripe", outcome: "duplicate", last_15m: 1, last_24h: 1 },
      ]);
      const report = await ops.report();
      expect([report.this_week.duplicates, report.last_week.duplicates]).toEqual([1, 0]);
      // A day later the retry has left both windows, and is still in the week.
      const later = new Date(Date.now() + 25 * 3600_000);
      expect(stripeOutcomes(await ops.snapshot(later))).toEqual([]);
      expect((await ops.report(later)).this_week.duplicates).toBe(1);
    });

    it("counts a flood of repeats in one row per provider and minute", async () => {
      const body = sample("stripe", "payment_intent.succeeded.json").replace(
        /"evt_[^"]+"/,
        `"evt_flood_${Date.now()}"`,
      );
      await send(body);
      const before = await target.one<{ rows: number; total: number }>(
        "select count(*)::int as rows, coalesce(sum(count), 0)::int as total from hookgate.duplicate_arrivals where provider = 'stripe'",
      );
      for (let i = 0; i < 5; i++) expect((await send(body)).duplicate).toBe(true);
      const after = await target.one<{ rows: number; total: number }>(
        "select count(*)::int as rows, coalesce(sum(count), 0)::int as total from hookgate.duplicate_arrivals where provider = 'stripe'",
      );
      expect(after.total - before.total).toBe(5);
      expect(after.rows - before.rows).toBeLessThanOrEqual(1); // the same minute, unless a minute turned meanwhile
    });

    it("retention prunes duplicate counts older than the retention and the two weeks the report compares", async () => {
      await target.exec(`
        insert into hookgate.duplicate_arrivals (provider, minute, count) values
          ('github', date_trunc('minute', now() - interval '20 days'), 3),
          ('github', date_trunc('minute', now() - interval '10 days'), 4)`);
      await target.store.retention.cleanupBatch({ events: 86_400, dead: 86_400, dedup: 86_400 }, 100);
      const kept = await target.one<{ counts: number[] }>(
        "select array_agg(count order by minute) as counts from hookgate.duplicate_arrivals where provider = 'github'",
      );
      expect(kept.counts).toEqual([4]);
    });
  });
}
