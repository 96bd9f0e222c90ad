// Deployments sharing one Redis never share state. Regression: keys were not
// namespaced, so a staging and a production hookgate on one Redis shared breaker
// state, alert counts, cooldowns and rate limits. And an alert with Slack unconfigured
// claimed its cooldown, so configuring Slack afterwards sent nothing for 15 minutes.
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../lib/config/env.js";
import { openApp, type App } from "../../lib/app.js";
import { settled } from "../../lib/http/after.js";
import { memoryKv } from "../../lib/kv/memory.js";
import { webhook } from "../../lib/routes/webhooks.js";
import { clickup } from "../../lib/providers/clickup.js";
import { endpointOf, testApp } from "../support/app.js";
import { startSlackApi } from "../support/slack-api.js";
import { fileStore, REDIS_URL, SECRET, validRequest } from "../support/kvs.js";

const prefixOf = (env: Record<string, string>) => loadConfig(env).kvPrefix;

describe("the default KV prefix is the deployment's", () => {
  const vercel = { VERCEL: "1", DATABASE_URL: "postgres://u:p@db.example.com:5432/app", VERCEL_PROJECT_ID: "prj_hook" };

  it("on Vercel: production, preview and a custom environment (staging) never meet", () => {
    const production = prefixOf({ ...vercel, VERCEL_ENV: "production" });
    const preview = prefixOf({ ...vercel, VERCEL_ENV: "preview" });
    const staging = prefixOf({ ...vercel, VERCEL_ENV: "preview", VERCEL_TARGET_ENV: "staging" });
    const otherProject = prefixOf({ ...vercel, VERCEL_ENV: "production", VERCEL_PROJECT_ID: "prj_other" });
    expect(production).toBe("hookgate:prj_hook:production:");
    expect(new Set([production, preview, staging, otherProject]).size).toBe(4);
  });

  it("self-hosted: one per store (database, or Supabase pooler user), never holding a password", () => {
    const prod = prefixOf({ DATABASE_URL: "postgres://hookgate:secret-one@db.internal:5432/hookgate" });
    const sameDbOtherPassword = prefixOf({ DATABASE_URL: "postgres://hookgate:secret-two@db.internal:5432/hookgate" });
    const staging = prefixOf({ DATABASE_URL: "postgres://hookgate:secret-one@db.internal:5432/hookgate_staging" });
    const poolerA = prefixOf({
      DATABASE_URL: "postgres://postgres.projecta:pw@aws-0-eu-central-1.pooler.supabase.com:6543/postgres",
    });
    const poolerB = prefixOf({
      DATABASE_URL: "postgres://postgres.projectb:pw@aws-0-eu-central-1.pooler.supabase.com:6543/postgres",
    });
    const local = prefixOf({ HOOKGATE_DATA_DIR: ".hookgate" });
    const otherDir = prefixOf({ HOOKGATE_DATA_DIR: ".hookgate-staging" });
    expect(prod).toBe(sameDbOtherPassword);
    expect(new Set([prod, staging, poolerA, poolerB, local, otherDir]).size).toBe(6);
    for (const prefix of [prod, staging]) {
      expect(prefix).toMatch(/^hookgate:[0-9a-f]{12}:$/);
      expect(prefix).not.toContain("secret");
    }
  });

  it("HOOKGATE_KV_PREFIX wins, and is checked", () => {
    expect(prefixOf({ ...vercel, HOOKGATE_KV_PREFIX: "acme:prod:" })).toBe("acme:prod:");
    expect(() => loadConfig({ HOOKGATE_KV_PREFIX: "a b" })).toThrow("HOOKGATE_KV_PREFIX");
  });
});

describe.skipIf(!REDIS_URL)("two gateways on one real Redis, with different prefixes", () => {
  const run = randomUUID().slice(0, 8);
  const prefixes = [`test-${run}-staging:`, `test-${run}-production:`];
  const opened: App[] = [];
  const redis = REDIS_URL ? new Redis(REDIS_URL) : undefined;

  afterAll(async () => {
    await settled();
    for (const gateway of opened) await gateway.close();
    for (const prefix of prefixes) {
      const keys = await redis!.keys(`${prefix}*`);
      if (keys.length) await redis!.del(...keys);
    }
    redis?.disconnect();
  });

  async function gateway(prefix: string, env: Record<string, string> = {}): Promise<App> {
    const config = loadConfig({
      LOG_LEVEL: "silent",
      REDIS_URL: REDIS_URL!,
      HOOKGATE_KV_PREFIX: prefix,
      CLICKUP_WEBHOOK_SECRET: SECRET,
      HOOKGATE_TRUST_PROXY: "x-real-ip",
      RATE_LIMIT_PER_IP: "2/1h",
      ...env,
    });
    const gw = await openApp(config, { store: await fileStore() });
    opened.push(gw);
    return gw;
  }

  it("share no rate limit, no alert cooldown, and write only under their own prefix", async () => {
    const slack = await startSlackApi();
    const slackEnv = { SLACK_BOT_TOKEN: slack.token, ALERT_CHANNEL_ID: "C0OPS", SLACK_API_URL: slack.url };
    const [staging, production] = [await gateway(prefixes[0]!, slackEnv), await gateway(prefixes[1]!, slackEnv)];
    const [toStaging, toProduction] = [
      endpointOf(webhook(clickup), async () => staging),
      endpointOf(webhook(clickup), async () => production),
    ];

    for (let i = 0; i < 2; i++) expect((await toStaging.fetch(validRequest("198.51.100.60"))).status).toBe(200);
    expect((await toStaging.fetch(validRequest("198.51.100.60"))).status).toBe(429);
    expect((await toProduction.fetch(validRequest("198.51.100.60"))).status).toBe(200);

    const alert = { title: "circuit breaker opened for crm" };
    expect(await staging.alerts.alert("breaker_open", alert, { scope: "crm" })).toEqual({ sent: true });
    expect(await staging.alerts.alert("breaker_open", alert, { scope: "crm" })).toEqual({
      sent: false,
      reason: "cooldown",
    });
    expect(await production.alerts.alert("breaker_open", alert, { scope: "crm" })).toEqual({ sent: true });
    expect(slack.messages).toHaveLength(2);
    await settled();

    const stagingKeys = await redis!.keys(`${prefixes[0]}*`);
    const productionKeys = await redis!.keys(`${prefixes[1]}*`);
    expect(stagingKeys.some((k) => k.includes("alert:breaker_open:crm"))).toBe(true);
    expect(productionKeys.some((k) => k.includes("alert:breaker_open:crm"))).toBe(true);
    expect(stagingKeys.some((k) => k.includes("rl:ip"))).toBe(true);
    await slack.close();
  });
});

describe("an alert with no channel configured", () => {
  it("regression: claims no cooldown, so the same alert sends once a channel is configured", async () => {
    const kv = memoryKv();
    const store = await fileStore();
    const unconfigured = await testApp({}, { kv, store });
    const first = unconfigured.alerts;
    expect(
      await first.alert("dead_letter", { title: "a delivery to crm was dead-lettered" }, { scope: "crm" }),
    ).toEqual({
      sent: false,
      reason: "not_configured",
    });
    expect(await kv.get("hookgate:alert:dead_letter:crm")).toBeNull();

    const slack = await startSlackApi();
    const configured = await testApp(
      { SLACK_BOT_TOKEN: slack.token, ALERT_CHANNEL_ID: "C0OPS", SLACK_API_URL: slack.url },
      { kv, store },
    );
    expect(
      await configured.alerts.alert("dead_letter", { title: "a delivery to crm was dead-lettered" }, { scope: "crm" }),
    ).toEqual({
      sent: true,
    });
    expect(slack.messages).toHaveLength(1);
    await slack.close();
  });
});
