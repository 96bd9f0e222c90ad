// Every log line of a run of many requests, across every api/ route: valid, forged,
// repeated, malformed and oversized webhooks for every provider, and the operator
// routes with right and wrong tokens. No configured secret, no signature and no full
// body may appear in any of them, and each request line is JSON with a request id.
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { apiRoutes } from "../../scripts/routes.js";
import { settled } from "../../lib/http/after.js";
import type { Endpoint } from "../../lib/http/endpoint.js";
import { sharedApp, type App } from "../../lib/app.js";
import { secretValues } from "../../lib/observability/redact.js";
import { providerNamed, providers } from "../../lib/providers/catalog.js";
import { readdirSync } from "node:fs";
import { sample, signedRequest } from "../support/requests.js";
import { startSlackApi, type SlackApiServer } from "../support/slack-api.js";
import { captureStdout } from "../support/kvs.js";

const env: Record<string, string> = {
  LOG_LEVEL: "debug",
  ADMIN_TOKEN: "admin-token-0123456789abcdef",
  CRON_SECRET: "cron-secret-0123456789abcdef",
  METRICS_TOKEN: "metrics-token-0123456789abcdef",
  ALERT_CHANNEL_ID: "C0LOGS",
  HOOKGATE_BODY_LIMIT_BYTES: "65536",
  SECURITY_ALERT_THRESHOLD: "3",
};
for (const p of providers) env[p.secretEnv] = `${p.name}-secret-${"x".repeat(8)}-${p.secretEnv.length}`;
// Stripe and Standard Webhooks secrets have their own formats.
env.STANDARD_WEBHOOK_SECRET = `whsec_${Buffer.from("standard-secret-bytes-0123456789").toString("base64")}`;

let slack: SlackApiServer;
let gateway: App;
let logs: ReturnType<typeof captureStdout>;
const consoleLines: string[] = [];
const sentSignatures: string[] = [];
const sentBodies: string[] = [];

beforeAll(async () => {
  slack = await startSlackApi();
  Object.assign(env, { SLACK_BOT_TOKEN: slack.token, SLACK_API_URL: slack.url });
  // The api/ entries serve with the instance's app, opened from the environment: this
  // one, on an embedded store and a memory KV (this worker's environment only).
  for (const [name, value] of Object.entries({
    ...env,
    DATABASE_URL: "",
    REDIS_URL: "",
    HOOKGATE_DATA_DIR: "memory://",
  }))
    vi.stubEnv(name, value);
  gateway = await sharedApp();
  for (const level of ["log", "info", "warn", "error", "debug"] as const) {
    vi.spyOn(console, level).mockImplementation((...parts: unknown[]) => {
      consoleLines.push(parts.map(String).join(" "));
    });
  }
  logs = captureStdout();
});
afterAll(async () => {
  logs.stop();
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  await gateway.close();
  await slack.close();
});

/** Another secret of the same format (Standard Webhooks secrets are whsec_ + base64). */
const wrongSecret = (secret: string) =>
  secret.startsWith("whsec_")
    ? `whsec_${Buffer.from("some-other-secret-bytes-012345").toString("base64")}`
    : `${secret}-wrong`;

async function load(file: string): Promise<Endpoint> {
  return ((await import(pathToFileURL(file).href)) as { default: Endpoint }).default;
}

describe("logs over a full run", () => {
  it("never hold a secret, a signature or a full body", async () => {
    let requests = 0;
    for (const route of apiRoutes()) {
      const fn = await load(route.file);
      const url = `https://hooks.example.com${route.path}`;
      const provider = route.path.startsWith("/api/webhooks/")
        ? providerNamed(route.path.split("/").pop()!)
        : undefined;
      if (provider) {
        const secret = env[provider.secretEnv]!.split(",")[0]!;
        const files = readdirSync(new URL(`../../samples/${provider.name}/`, import.meta.url));
        for (const file of files) {
          const body = sample(provider.name, file);
          const ip = `198.51.100.${requests % 250}`;
          const variants: Request[] = [
            signedRequest(provider, { secret, body, url, headers: { "x-real-ip": ip } }),
            signedRequest(provider, { secret, body, url, headers: { "x-real-ip": ip } }), // a repeat
            signedRequest(provider, { secret: wrongSecret(secret), body, url, headers: { "x-real-ip": ip } }),
            signedRequest(provider, { secret, body: `${body.slice(0, -3)}!!{`, url, headers: { "x-real-ip": ip } }),
            signedRequest(provider, { secret, body: body.repeat(Math.ceil(70_000 / body.length)), url }),
          ];
          for (const request of variants) {
            for (const [name, value] of request.headers) if (/sig|hmac|auth/i.test(name)) sentSignatures.push(value);
            sentBodies.push(await request.clone().text());
            await fn.fetch(request);
            requests += 1;
          }
        }
      } else {
        for (const token of [env.ADMIN_TOKEN, env.CRON_SECRET, env.METRICS_TOKEN, "wrong-token-0123456789"]) {
          for (const method of ["GET", "POST"]) {
            await fn.fetch(
              new Request(url, {
                method,
                headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
                body: method === "POST" ? "{}" : undefined,
              }),
            );
            requests += 1;
          }
        }
      }
      await settled();
    }
    await settled();

    const everything = [...logs.lines, ...consoleLines].join("\n");
    expect(requests).toBeGreaterThan(100);
    const secrets = [...secretValues(gateway.config), env.ADMIN_TOKEN!, env.CRON_SECRET!, env.METRICS_TOKEN!];
    for (const secret of secrets) expect(everything, `a secret leaked: ${secret.slice(0, 6)}…`).not.toContain(secret);
    for (const signature of new Set(sentSignatures)) {
      if (signature.length >= 16) expect(everything, "a signature leaked").not.toContain(signature);
    }
    for (const body of new Set(sentBodies)) {
      if (body.length >= 64) expect(everything, "a body leaked").not.toContain(body.slice(0, 64));
    }

    const requestLines = logs.records().filter((r) => r.msg === "request");
    expect(requestLines.length).toBe(requests);
    // Every line of the run, the after-answer work and security alerts included, names its
    // request. (Alerts raised by cron jobs name one when their callers pass `logFields`.)
    const untagged = logs
      .records()
      .filter((r) => !r.request_id && !(String(r.msg).startsWith("alert") && r.kind !== "signature_failures"));
    expect(untagged).toEqual([]);
    // The run went through every kind of answer, and the security alert fired.
    const statuses = new Set(requestLines.filter((r) => String(r.route).startsWith("webhooks/")).map((r) => r.status));
    for (const status of [200, 401, 413]) expect(statuses).toContain(status);
    expect(slack.messages.length).toBeGreaterThanOrEqual(1);
  });
});
