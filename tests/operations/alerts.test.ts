// Reports and alerts, received by a real local HTTP server speaking Slack's
// chat.postMessage (tests/support/slack-api.ts) through the real Slack client: the
// weekly report, a dead letter and a breaker opening produced by the real delivery
// engine against a real local receiver, a breaker closing, and the health checks.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../lib/app.js";
import { cronReport, cronWatch } from "../../lib/routes/operations.js";
import { startSlackApi, type SlackApiServer } from "../support/slack-api.js";
import { endpointOf, testApp } from "../support/app.js";
import { routingTo, seedSql, targets, type Target } from "./harness.js";

const CRON_SECRET = "cron-secret-0123456789abcdef";
const cron = { authorization: `Bearer ${CRON_SECRET}` };

let slack: SlackApiServer;
let receiver: Server;
let receiverUrl: string;
/** What the receiver answers: 400 (not retryable: a dead letter at once) or 503 (retryable, and a breaker failure). */
let receiverStatus = 400;
let target: Target;
let gateway: App;

const body = (i: number) => (slack.messages[i]?.blocks?.[0] as { text: { text: string } } | undefined)?.text.text ?? "";

beforeAll(async () => {
  slack = await startSlackApi();
  receiver = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      res.writeHead(receiverStatus, { "content-type": "text/plain" });
      res.end(receiverStatus === 400 ? "no such customer" : "down for maintenance");
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  target = await targets[0]!.open();
  await target.exec(seedSql("now()"));
  gateway = await testApp(
    {
      CRON_SECRET,
      SLACK_BOT_TOKEN: slack.token,
      ALERT_CHANNEL_ID: "C0OPS",
      SLACK_API_URL: slack.url,
      ALERT_SUCCESS_MIN_ATTEMPTS: "3",
      ALERT_PENDING_AGE_MINUTES: "10",
    },
    { store: target.store, routing: routingTo(["refuser"], receiverUrl) },
  );
});

afterAll(async () => {
  await gateway.close();
  await slack.close();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

describe("the weekly report", () => {
  it("posts volume, success, p95, dead letters and top failing destinations against the week before", async () => {
    const endpoint = endpointOf(cronReport, async () => gateway);
    expect((await endpoint.fetch(new Request("http://gw.test/api/cron/report"))).status).toBe(401);
    const response = await endpoint.fetch(new Request("http://gw.test/api/cron/report", { headers: cron }));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      sent: true,
      report: { this_week: { events: 6, attempts: 5, delivered: 2, dead_lettered: 1 } },
    });

    expect(slack.messages).toHaveLength(1);
    expect(slack.messages[0]!.channel).toBe("C0OPS");
    expect(slack.messages[0]!.text).toMatch(/^hookgate: weekly report, \d{4}-\d{2}-\d{2} to \d{4}-\d{2}-\d{2}$/);
    const text = body(0);
    expect(text).toContain("*webhooks received:* 6 (new vs 0 the week before)");
    expect(text).toContain("*delivery success:* 40.0% of 5 attempts (the week before: —)");
    // acks 4, 8, 30, 60, 120, 5000 ms: p95 interpolates between the two largest
    expect(text).toContain("*p95 ack latency:* 3780 ms (the week before: —)");
    expect(text).toContain("*dead-lettered:* 1 (the week before: 0)");
    expect(text).toContain("*top failing destinations:* crm: 2 of 2 attempts failed; agent: 1 of 3 attempts failed");

    // A second run of the same schedule (crons can fire twice) posts nothing more.
    const again = await endpoint.fetch(new Request("http://gw.test/api/cron/report", { headers: cron }));
    expect(await again.json()).toMatchObject({ sent: false, reason: "cooldown" });
    expect(slack.messages).toHaveLength(1);
  });
});

describe("delivery alerts from the engine's signals", () => {
  const deliverEvents = async (prefix: string, count: number) => {
    for (let i = 0; i < count; i++) {
      const event = {
        id: "",
        provider: "stripe",
        type: "charge.failed",
        body: Buffer.from(`{"n":${i}}`),
        payload: { n: i },
        headers: {},
        receivedAt: new Date(),
      };
      const recorded = await target.store.events.ingest({
        source: "stripe",
        provider: "stripe",
        dedupKey: `${prefix}-${i}`,
        type: "charge.failed",
        verified: true,
        body: event.body,
        payload: event.payload,
        headers: {},
        destinations: ["refuser"],
        leaseSeconds: 60,
      });
      // The app's engine: its signals are wired to the alert rules once, in openApp.
      await (await gateway.engine()).deliverNow({ ...event, id: recorded.event_id }, recorded.deliveries);
    }
  };
  const blockText = (m: { blocks?: unknown[] }) => (m.blocks![0] as { text: { text: string } }).text.text;

  it("alerts once when deliveries are dead-lettered", async () => {
    const before = slack.messages.length;
    // Three events refused with 400: three dead letters, but the alert is scoped to the
    // destination: one per cooldown.
    receiverStatus = 400;
    await deliverEvents("refused", 3);
    const sent = slack.messages.slice(before);
    expect(sent.map((m) => m.text)).toEqual(["hookgate: a delivery to refuser was dead-lettered"]);
    expect(blockText(sent[0]!)).toContain("*destination:* refuser");
    expect(blockText(sent[0]!)).toContain("(HTTP 400)");
    expect(blockText(sent[0]!)).toMatch(/\*replay:\* npx hookgate replay \d+/);
  });

  it("alerts when the breaker opens", async () => {
    const before = slack.messages.length;
    // Five 503s in a row: retries, and five consecutive failures open the breaker.
    receiverStatus = 503;
    await deliverEvents("unavailable", 5);
    const sent = slack.messages.slice(before);
    expect(sent.map((m) => m.text)).toEqual(["hookgate: circuit breaker opened for refuser"]);
    expect(blockText(sent[0]!)).toContain("*reason:* 5 consecutive failures");
  });

  it("alerts when a breaker closes again", async () => {
    await (await gateway.engine()).signals.emit({ type: "breaker_closed", destination: "refuser", at: new Date() });
    expect(slack.messages.at(-1)!.text).toBe("hookgate: circuit breaker closed for refuser: deliveries resumed");
  });
});

describe("health alerts (GET /api/cron/watch, and each metrics scrape)", () => {
  it("alerts on success under the threshold over 15 minutes and on an old pending delivery", async () => {
    const before = slack.messages.length;
    const response = await endpointOf(cronWatch, async () => gateway).fetch(
      new Request("http://gw.test/api/cron/watch", { headers: cron }),
    );
    expect(response.status).toBe(200);
    const result = await response.json();
    expect(result.alerts).toEqual([
      { kind: "delivery_success_rate", outcome: { sent: true } },
      { kind: "pending_delivery_age", outcome: { sent: true } },
    ]);
    const sent = slack.messages.slice(before).map((m) => m.text);
    // 15 minutes: the seeded 2 of 3 to agent, and the 8 failed attempts to refuser just now.
    expect(sent[0]).toBe("hookgate: delivery success 18.1% over 15 minutes (under 95.0%)");
    expect(sent[1]).toBe("hookgate: the oldest pending delivery is 20 min old");
    const rate = (slack.messages[before]!.blocks![0] as { text: { text: string } }).text.text;
    expect(rate).toContain("*lowest destinations:* refuser 0.0%, agent 66.6%");

    // The cooldown keeps the next check quiet.
    const again = await (
      await endpointOf(cronWatch, async () => gateway).fetch(
        new Request("http://gw.test/api/cron/watch", { headers: cron }),
      )
    ).json();
    expect(again.alerts.map((a: { outcome: { sent: boolean } }) => a.outcome.sent)).toEqual([false, false]);
    expect(slack.messages).toHaveLength(before + 2);
  });
});
