// The numbers: hookgate_metrics over a known data set (PGlite, and real PostgreSQL
// when DATABASE_URL is set), and /api/metrics parsed as Prometheus text.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../lib/app.js";
import { kvBreaker } from "../../lib/delivery/breaker.js";
import { DEFAULT_BREAKER_POLICY } from "../../lib/routing/policy.js";
import { metrics as metricsRoute } from "../../lib/routes/operations.js";
import type { StoreMetrics } from "../../lib/store/metrics.js";
import { webhook } from "../../lib/routes/webhooks.js";
import { clickup } from "../../lib/providers/clickup.js";
import { endpointOf, testApp } from "../support/app.js";
import { sample, signedRequest } from "../support/requests.js";
import { NOW, routingTo, seedSql, targets, type Target } from "./harness.js";
import { parseExposition } from "./prometheus.js";

const METRICS_TOKEN = "metrics-token-0123456789";

for (const factory of targets) {
  describe(`hookgate_metrics on ${factory.name}`, () => {
    let target: Target;
    let m: StoreMetrics;
    beforeAll(async () => {
      target = await factory.open();
      await target.exec(seedSql(`timestamptz '${NOW.toISOString()}'`));
      m = await target.store.metrics.snapshot(NOW);
    });
    afterAll(() => target.close());

    it("counts events by provider and outcome over 15 minutes and 24 hours", () => {
      expect(m.events).toEqual([
        { provider: "clickup", outcome: "accepted", last_15m: 0, last_24h: 1 },
        { provider: "github", outcome: "accepted", last_15m: 0, last_24h: 2 },
        { provider: "github", outcome: "rejected:stale_timestamp", last_15m: 0, last_24h: 1 },
        { provider: "stripe", outcome: "accepted", last_15m: 2, last_24h: 2 },
        { provider: "stripe", outcome: "duplicate", last_15m: 2, last_24h: 2 },
        { provider: "stripe", outcome: "rejected:bad_signature", last_15m: 2, last_24h: 2 },
      ]);
    });

    it("builds the ack latency histogram and percentiles from the last 24 hours", () => {
      // acks in 24 h: 4, 8, 30, 60, 120 ms
      expect(m.latency.count).toBe(5);
      expect(m.latency.sum_ms).toBe(222);
      expect(Object.fromEntries(m.latency.buckets.map((b) => [b.le_ms, b.count]))).toEqual({
        5: 1,
        10: 2,
        25: 2,
        50: 3,
        100: 4,
        250: 5,
        500: 5,
        1000: 5,
        2500: 5,
        5000: 5,
        10000: 5,
      });
      expect(m.latency.p50_ms).toBe(30);
      expect(m.latency.p95_ms).toBeCloseTo(108, 6);
      expect(m.latency.p95_15m_ms).toBeCloseTo(28.9, 6);
    });

    it("counts deliveries, attempts, success, dead letters and the oldest pending", () => {
      expect(m.deliveries).toEqual([
        { destination: "agent", status: "delivered", count: 2 },
        { destination: "agent", status: "pending", count: 1 },
        { destination: "crm", status: "dead", count: 1 },
      ]);
      expect(m.attempts).toEqual([
        { destination: "agent", outcome: "delivered", last_15m: 2, last_24h: 2 },
        { destination: "agent", outcome: "retry", last_15m: 1, last_24h: 1 },
        { destination: "crm", outcome: "dead", last_15m: 0, last_24h: 1 },
        { destination: "crm", outcome: "retry", last_15m: 0, last_24h: 1 },
      ]);
      expect(m.success).toEqual({ last_15m: { attempts: 3, delivered: 2 }, last_24h: { attempts: 5, delivered: 2 } });
      expect(m.dead_letters).toBe(1);
      expect(m.oldest_pending_seconds).toBe(1200);
    });

    it("gives per-provider hourly series for the charts", () => {
      expect(m.hourly).toEqual([
        { provider: "clickup", hour: 0, events: 1, attempts: 0, delivered: 0 },
        { provider: "github", hour: 1, events: 0, attempts: 1, delivered: 0 },
        { provider: "github", hour: 2, events: 1, attempts: 1, delivered: 0 },
        { provider: "github", hour: 3, events: 1, attempts: 0, delivered: 0 },
        { provider: "stripe", hour: 0, events: 2, attempts: 3, delivered: 2 },
      ]);
    });
  });
}

describe("GET /api/metrics", () => {
  let gateway: App;
  let target: Target;
  const metrics = () => endpointOf(metricsRoute, async () => gateway);
  const get = (headers: Record<string, string> = {}, query = "") =>
    metrics().fetch(new Request(`http://gw.test/api/metrics${query}`, { headers }));

  beforeAll(async () => {
    target = await targets[0]!.open();
    await target.exec(seedSql("now()"));
    const routing = routingTo(["agent", "crm"]);
    gateway = await testApp({ METRICS_TOKEN }, { store: target.store, routing });
    // The engine's own breaker code opens crm's breaker.
    const breaker = kvBreaker(gateway.kv);
    const admission = await breaker.admit("crm", DEFAULT_BREAKER_POLICY, 1000);
    await breaker.report("crm", DEFAULT_BREAKER_POLICY, admission, [false, false, false, false, false]);
  });
  afterAll(() => gateway.close());

  it("answers 401 without a token or with a wrong one", async () => {
    expect((await get()).status).toBe(401);
    expect((await get({ authorization: "Bearer wrong-token-0123456789" })).status).toBe(401);
    expect((await get({ authorization: `Basic ${METRICS_TOKEN}` })).status).toBe(401);
  });

  it("answers 503 when METRICS_TOKEN is not set", async () => {
    const closed = await testApp({}, { store: target.store });
    const response = await endpointOf(metricsRoute, async () => closed).fetch(
      new Request("http://gw.test/api/metrics", { headers: { authorization: `Bearer ${METRICS_TOKEN}` } }),
    );
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ message: "METRICS_TOKEN is not set; this route is closed" });
  });

  it("answers 400 naming an unknown parameter", async () => {
    const response = await get({ authorization: `Bearer ${METRICS_TOKEN}` }, "?window=1h");
    expect(response.status).toBe(400);
    expect((await response.json()).message).toContain("window");
  });

  it("serves the seeded numbers in Prometheus text format", async () => {
    const response = await get({ authorization: `Bearer ${METRICS_TOKEN}` });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    const x = parseExposition(await response.text());

    expect(x.types.get("hookgate_ack_latency_seconds")).toBe("histogram");
    expect(x.value("hookgate_events", { provider: "stripe", outcome: "accepted", window: "15m" })).toBe(2);
    expect(x.value("hookgate_events", { provider: "github", outcome: "accepted", window: "24h" })).toBe(2);
    expect(x.value("hookgate_events", { provider: "stripe", outcome: "duplicate", window: "24h" })).toBe(2);
    expect(x.value("hookgate_events", { provider: "stripe", outcome: "rejected:bad_signature", window: "15m" })).toBe(
      2,
    );
    expect(x.value("hookgate_ack_latency_seconds_bucket", { le: "0.005" })).toBe(1);
    expect(x.value("hookgate_ack_latency_seconds_bucket", { le: "0.1" })).toBe(4);
    expect(x.value("hookgate_ack_latency_seconds_bucket", { le: "+Inf" })).toBe(5);
    expect(x.value("hookgate_ack_latency_seconds_count")).toBe(5);
    expect(x.value("hookgate_ack_latency_seconds_sum")).toBeCloseTo(0.222, 9);
    expect(x.value("hookgate_ack_latency_p95_seconds", { window: "24h" })).toBeCloseTo(0.108, 9);
    expect(x.value("hookgate_deliveries", { destination: "crm", status: "dead" })).toBe(1);
    expect(x.value("hookgate_delivery_attempts", { destination: "agent", outcome: "retry", window: "15m" })).toBe(1);
    expect(x.value("hookgate_delivery_success_ratio", { window: "15m" })).toBeCloseTo(2 / 3, 9);
    expect(x.value("hookgate_delivery_success_ratio", { window: "24h" })).toBeCloseTo(0.4, 9);
    expect(x.value("hookgate_destination_success_ratio", { destination: "crm", window: "24h" })).toBe(0);
    expect(x.value("hookgate_destination_success_ratio", { destination: "crm", window: "15m" })).toBeUndefined();
    expect(x.value("hookgate_dead_letters")).toBe(1);
    const oldest = x.value("hookgate_oldest_pending_delivery_seconds")!;
    expect(oldest).toBeGreaterThanOrEqual(1200);
    expect(oldest).toBeLessThan(1200 + 600);
    expect(x.value("hookgate_breaker_open", { destination: "crm" })).toBe(1);
    expect(x.value("hookgate_breaker_open", { destination: "agent" })).toBe(0);
    expect(x.value("hookgate_breaker_state", { destination: "crm", state: "open" })).toBe(1);
    expect(x.value("hookgate_breaker_state", { destination: "agent", state: "closed" })).toBe(1);
  });
});

describe("what the pipeline records for the metrics", () => {
  it("a webhook's ack latency, and each acknowledged repeat as a duplicate", async () => {
    const gateway = await testApp({ CLICKUP_WEBHOOK_SECRET: "ops-secret" });
    try {
      const endpoint = endpointOf(webhook(clickup), async () => gateway);
      const body = sample("clickup", "taskCreated.json");
      for (let i = 0; i < 3; i++) {
        const response = await endpoint.fetch(signedRequest(clickup, { secret: "ops-secret", body }));
        expect(response.status).toBe(200);
      }
      const m = await gateway.store.metrics.snapshot();
      expect(m.events).toEqual([
        { provider: "clickup", outcome: "accepted", last_15m: 1, last_24h: 1 },
        { provider: "clickup", outcome: "duplicate", last_15m: 2, last_24h: 2 },
      ]);
      expect(m.latency.count).toBe(1);
      const page = await gateway.store.events.list({ provider: "clickup" });
      expect(Number.isInteger(page.items[0]!.ack_ms)).toBe(true);
      expect(page.items[0]!.ack_ms).toBeGreaterThanOrEqual(0);
      expect(page.items[0]!.duplicates).toBe(2);
    } finally {
      await gateway.close();
    }
  });
});
