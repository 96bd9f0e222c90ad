// When Redis is slow or gone, the limiter fails open within RATE_LIMIT_TIMEOUT_MS and
// says so (a warning, a field on the request's log line, a counter): webhooks keep
// being recorded. Real Redis processes only; nothing is mocked.
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { settled } from "../../lib/http/after.js";
import type { App } from "../../lib/app.js";
import { redisKv } from "../../lib/kv/redis.js";
import { counterValue } from "../../lib/observability/counters.js";
import { webhook } from "../../lib/routes/webhooks.js";
import { clickup } from "../../lib/providers/clickup.js";
import { endpointOf, testApp } from "../support/app.js";
import { captureStdout, fileStore, SECRET, validRequest } from "../support/kvs.js";

const REDIS_SERVER = process.env.REDIS_SERVER_BIN ?? "redis-server";

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn(
    REDIS_SERVER,
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    { stdio: "pipe" },
  );
  // Ready when it says so on stdout.
  await new Promise<void>((resolve, reject) => {
    child.on("error", reject);
    child.stdout.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("Ready to accept connections")) resolve();
    });
  });
  return child;
}

const failOpenCount = () =>
  counterValue("hookgate_rate_limit_failed_open_total", { reason: "timeout" }) +
  counterValue("hookgate_rate_limit_failed_open_total", { reason: "error" });

let gateway: App | undefined;
let redis: ChildProcess | undefined;
let logs: ReturnType<typeof captureStdout> | undefined;
afterEach(async () => {
  logs?.stop();
  await settled();
  await gateway?.close();
  if (redis && redis.exitCode === null) redis.kill("SIGKILL");
});

function requestLines(): Record<string, unknown>[] {
  return logs!.records().filter((r) => r.msg === "request");
}

describe("the limiter fails open", () => {
  it("keeps accepting when the KV points where nothing listens, and says why", async () => {
    const port = await freePort();
    logs = captureStdout();
    gateway = await testApp(
      { CLICKUP_WEBHOOK_SECRET: SECRET, LOG_LEVEL: "info", HOOKGATE_TRUST_PROXY: "x-real-ip" },
      { kv: redisKv(`redis://127.0.0.1:${port}`), store: await fileStore() },
    );
    const fn = endpointOf(webhook(clickup), async () => gateway!);
    const before = failOpenCount();

    for (let i = 0; i < 3; i++) expect((await fn.fetch(validRequest("198.51.100.60"))).status).toBe(200);

    expect(failOpenCount() - before).toBe(3);
    const lines = requestLines();
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(line.rate_limit).toMatch(/^failed_open:(timeout|error)$/);
    expect(logs.records().some((r) => r.msg === "rate limiter failed open")).toBe(true);
  });

  it.skipIf(!process.env.REDIS_URL)("answers without waiting when Redis is slow (reason: timeout)", async () => {
    const port = await freePort();
    redis = await startRedis(port);
    logs = captureStdout();
    gateway = await testApp(
      {
        CLICKUP_WEBHOOK_SECRET: SECRET,
        LOG_LEVEL: "info",
        RATE_LIMIT_TIMEOUT_MS: "100",
        HOOKGATE_TRUST_PROXY: "x-real-ip",
      },
      { kv: redisKv(`redis://127.0.0.1:${port}`), store: await fileStore() },
    );
    const fn = endpointOf(webhook(clickup), async () => gateway!);
    expect((await fn.fetch(validRequest("198.51.100.75"))).status).toBe(200); // connected, scripts cached

    // A Redis of its own, so pausing it holds no one else's commands.
    const admin = redisKv(`redis://127.0.0.1:${port}`);
    await admin.client.call("CLIENT", "PAUSE", "5000", "ALL");
    const before = counterValue("hookgate_rate_limit_failed_open_total", { reason: "timeout" });
    // Another client: one that has no allowance from the earlier answer.
    expect((await fn.fetch(validRequest("198.51.100.76"))).status).toBe(200);
    expect(counterValue("hookgate_rate_limit_failed_open_total", { reason: "timeout" }) - before).toBe(1);
    expect(requestLines().at(-1)?.rate_limit).toBe("failed_open:timeout");
    admin.client.disconnect();
  });

  it.skipIf(!process.env.REDIS_URL)("keeps accepting when Redis stops mid-run", async () => {
    const port = await freePort();
    redis = await startRedis(port);
    logs = captureStdout();
    gateway = await testApp(
      {
        CLICKUP_WEBHOOK_SECRET: SECRET,
        LOG_LEVEL: "info",
        RATE_LIMIT_PER_IP: "2/1h",
        HOOKGATE_TRUST_PROXY: "x-real-ip",
      },
      { kv: redisKv(`redis://127.0.0.1:${port}`), store: await fileStore() },
    );
    const fn = endpointOf(webhook(clickup), async () => gateway!);

    // Redis up: the limit holds.
    expect((await fn.fetch(validRequest("198.51.100.70"))).status).toBe(200);
    expect((await fn.fetch(validRequest("198.51.100.70"))).status).toBe(200);
    expect((await fn.fetch(validRequest("198.51.100.70"))).status).toBe(429);

    redis.kill("SIGKILL");
    await new Promise((resolve) => redis!.once("exit", resolve));
    const before = failOpenCount();

    // Redis gone: another client keeps being accepted, and every answer says why.
    for (let i = 0; i < 3; i++) expect((await fn.fetch(validRequest("198.51.100.71"))).status).toBe(200);
    expect(failOpenCount() - before).toBe(3);
    const after = requestLines().slice(-3);
    for (const line of after) expect(line.rate_limit).toMatch(/^failed_open:(timeout|error)$/);
  });
});
