// The attack drill: a burst of forged signatures raises exactly one security alert in
// Slack (a real local server driven by the real @slack/web-api client), a second burst
// inside the cooldown raises none, and after the cooldown a new burst raises a new
// one. Real providers keep being accepted throughout, from the attacker's IP too.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { settled } from "../../lib/http/after.js";
import type { App } from "../../lib/app.js";
import type { Endpoint } from "../../lib/http/endpoint.js";
import { memoryKv } from "../../lib/kv/memory.js";
import { prefixedKv } from "../../lib/kv/prefixed.js";
import { redisKv } from "../../lib/kv/redis.js";
import type { Kv } from "../../lib/kv/port.js";
import { webhook } from "../../lib/routes/webhooks.js";
import { clickup } from "../../lib/providers/clickup.js";
import { endpointOf, testApp } from "../support/app.js";
import { startSlackApi, type SlackApiServer } from "../support/slack-api.js";
import { fileStore, forgedRequest, REDIS_URL, SECRET, uniquePrefix, validRequest } from "../support/kvs.js";
import { itWhere } from "../support/matrix.js";

/** Each KV's drill comes from its own network, so the shared store tells them apart. */
const kvs: { name: string; open: (clock: () => number) => Kv; clockDrivesExpiry: boolean; net: string }[] = [
  { name: "memory", open: (clock) => memoryKv(clock), clockDrivesExpiry: true, net: "203.0.113" },
  ...(REDIS_URL
    ? [
        {
          name: "redis",
          open: () => prefixedKv(redisKv(REDIS_URL!), uniquePrefix()),
          clockDrivesExpiry: false,
          net: "192.0.2",
        },
      ]
    : []),
];

describe.each(kvs)("attack drill on $name KV", ({ open, clockDrivesExpiry, net }) => {
  let slack: SlackApiServer;
  let gateway: App;
  let now = Date.UTC(2026, 10, 22, 4, 0, 0);
  const clock = () => now;
  let fn: Endpoint;
  let burst = 0;

  beforeAll(async () => {
    slack = await startSlackApi();
    gateway = await testApp(
      {
        CLICKUP_WEBHOOK_SECRET: SECRET,
        SLACK_BOT_TOKEN: slack.token,
        ALERT_CHANNEL_ID: "C0SECURITY",
        SLACK_API_URL: slack.url,
        HOOKGATE_TRUST_PROXY: "x-real-ip",
      },
      // The clock drives the shield's windows and the alerts' cooldowns.
      { kv: open(clock), store: await fileStore(), clock },
    );
    fn = endpointOf(webhook(clickup), async () => gateway);
  });
  afterAll(async () => {
    await settled();
    await gateway.close();
    await slack.close();
  });

  /** 21 forged requests from three IPs (7 each: under the per-IP failure limit), valid traffic in between. */
  async function attack(): Promise<void> {
    burst += 1;
    for (let i = 0; i < 21; i++) {
      const forged = await fn.fetch(forgedRequest(`${net}.${burst * 10 + (i % 3)}`));
      expect(forged.status).toBe(401);
      const real = await fn.fetch(validRequest("198.51.100.200"));
      expect(real.status).toBe(200);
      await settled();
    }
  }

  it("21 forged signatures → 21 rejections → exactly one alert", async () => {
    await attack();
    expect(slack.messages).toHaveLength(1);
    const [message] = slack.messages;
    expect(message!.channel).toBe("C0SECURITY");
    expect(message!.text).toContain("21 webhook signature failures");
    const shown = JSON.stringify(message!.blocks);
    expect(shown).toContain("Unique IPs:* 3");
    expect(shown).toContain("bad_signature ×21");
    expect(shown).toContain("clickup ×21");
    expect(message!.raw).not.toContain(SECRET);
  });

  it("a second burst inside the cooldown sends nothing", async () => {
    now += 60_000;
    await attack();
    expect(slack.messages).toHaveLength(1);
  });

  itWhere(clockDrivesExpiry)("after the cooldown, a new burst sends a new alert", async () => {
    now += 15 * 60_000;
    await attack();
    expect(slack.messages).toHaveLength(2);
    expect(slack.messages[1]!.text).toContain("21 webhook signature failures");
  });

  it("keeps a bounded sample of the rejections, without signature headers or bodies", async () => {
    const records = await gateway.store.rejections.list({ limit: 500 });
    const mine = records.filter((r) => r.client_ip.startsWith(`${net}.`));
    expect(mine.length).toBeGreaterThan(0);
    // Per IP and minute, at most a tenth of REJECTION_RECORDS_PER_MINUTE (60): 6.
    const perIp = new Map<string, number>();
    for (const r of mine) perIp.set(r.client_ip, (perIp.get(r.client_ip) ?? 0) + 1);
    expect(Math.max(...perIp.values())).toBeLessThanOrEqual(6);
    for (const r of mine) {
      expect(r.reason).toBe("bad_signature");
      expect(Object.keys(r.headers)).not.toContain("x-signature");
      expect(r.headers["x-real-ip"]).toBe(r.client_ip);
      expect(r.body_prefix_base64).toBe(""); // REJECTION_BODY_PREFIX_BYTES=0 by default
    }
  });
});

/**
 * The drill of the original ClickUp service, with the default limits: one IP sends 21
 * forged signatures. Regression: they used to get 20 × 401 and a 429 (the failure limit
 * was 20/5m), 429s were not counted as signature failures, and the alert needed more
 * than 20, so a single-IP attack never alerted.
 */
describe.each(kvs)("single-IP attack drill with the defaults on $name KV", ({ open, clockDrivesExpiry, net }) => {
  let slack: SlackApiServer;
  let gateway: App;
  let now = Date.UTC(2026, 10, 22, 6, 0, 0);
  const clock = () => now;
  let fn: Endpoint;
  const attacker = `${net}.99`;

  beforeAll(async () => {
    slack = await startSlackApi();
    gateway = await testApp(
      {
        CLICKUP_WEBHOOK_SECRET: SECRET,
        SLACK_BOT_TOKEN: slack.token,
        ALERT_CHANNEL_ID: "C0DRILL",
        SLACK_API_URL: slack.url,
        HOOKGATE_TRUST_PROXY: "x-real-ip",
      },
      // The clock drives the shield's windows and the alerts' cooldowns.
      { kv: open(clock), store: await fileStore(), clock },
    );
    fn = endpointOf(webhook(clickup), async () => gateway);
  });
  afterAll(async () => {
    await settled();
    await gateway.close();
    await slack.close();
  });

  async function forgeries(count: number): Promise<number[]> {
    const statuses: number[] = [];
    for (let i = 0; i < count; i++) {
      statuses.push((await fn.fetch(forgedRequest(attacker))).status);
      await settled();
    }
    return statuses;
  }

  it("21 forgeries from one IP → 21 × 401 and exactly one alert naming the count, the IP and the reason", async () => {
    expect(await forgeries(21)).toEqual(Array(21).fill(401));
    expect(slack.messages).toHaveLength(1);
    const [message] = slack.messages;
    expect(message!.channel).toBe("C0DRILL");
    expect(message!.text).toContain("21 webhook signature failures");
    const shown = JSON.stringify(message!.blocks);
    expect(shown).toContain("Unique IPs:* 1");
    expect(shown).toContain(`${attacker} ×21`);
    expect(shown).toContain("bad_signature ×21");
  });

  it("the real provider from the same IP is still accepted", async () => {
    expect((await fn.fetch(validRequest(attacker))).status).toBe(200);
  });

  it("then quiet for the cooldown, however long the attack goes on", async () => {
    now += 5 * 60_000;
    await forgeries(25);
    now += 9 * 60_000; // 14 min after the alert: still inside SECURITY_ALERT_COOLDOWN_SECONDS (900)
    await forgeries(25);
    expect(slack.messages).toHaveLength(1);
  });

  itWhere(clockDrivesExpiry)("after the cooldown, the attack alerts again", async () => {
    now += 2 * 60_000;
    await forgeries(21);
    expect(slack.messages).toHaveLength(2);
  });
});

describe("failures answered 429", () => {
  it("still count toward the alert: every failure counts, whatever it was answered", async () => {
    const slack = await startSlackApi();
    const gateway = await testApp(
      {
        CLICKUP_WEBHOOK_SECRET: SECRET,
        SLACK_BOT_TOKEN: slack.token,
        ALERT_CHANNEL_ID: "C0DRILL",
        SLACK_API_URL: slack.url,
        HOOKGATE_TRUST_PROXY: "x-real-ip",
        RATE_LIMIT_FAILED_VERIFICATIONS: "5/5m",
      },
      { store: await fileStore() },
    );
    const fn = endpointOf(webhook(clickup), async () => gateway);
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) {
      statuses.push((await fn.fetch(forgedRequest("198.51.100.250"))).status);
      await settled();
    }
    expect(statuses).toEqual([...Array(5).fill(401), ...Array(16).fill(429)]);
    expect(slack.messages).toHaveLength(1);
    expect(slack.messages[0]!.text).toContain("21 webhook signature failures");
    expect(JSON.stringify(slack.messages[0]!.blocks)).toContain("failed_verification_limit ×16");
    await gateway.close();
    await slack.close();
  });
});

describe("Slack itself rate-limiting", () => {
  it("rejects a rate-limited call rather than sleeping on it, and gives the cooldown back", async () => {
    const slack = await startSlackApi();
    slack.rateLimitFor = 30;
    const gateway = await testApp(
      { SLACK_BOT_TOKEN: slack.token, ALERT_CHANNEL_ID: "C0OPS", SLACK_API_URL: slack.url },
      { store: await fileStore() },
    );
    const alerts = gateway.alerts;
    expect(await alerts.alert("breaker_open", { title: "destination crm is failing" }, { scope: "crm" })).toEqual({
      sent: false,
      reason: "rate_limited",
    });
    expect(slack.calls).toBe(1);
    slack.rateLimitFor = undefined;
    expect(await alerts.alert("breaker_open", { title: "destination crm is failing" }, { scope: "crm" })).toEqual({
      sent: true,
    });
    expect(await alerts.alert("breaker_open", { title: "destination crm is failing" }, { scope: "crm" })).toEqual({
      sent: false,
      reason: "cooldown",
    });
    expect(await alerts.alert("breaker_open", { title: "destination erp is failing" }, { scope: "erp" })).toEqual({
      sent: true,
    });
    await gateway.close();
    await slack.close();
  });
});
