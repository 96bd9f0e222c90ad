// Rate limits, on every KV hookgate runs on: process memory, real Redis over TCP, and
// the real @upstash/redis client through a local Upstash REST server to that Redis.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { settled } from "../../lib/http/after.js";
import type { Endpoint } from "../../lib/http/endpoint.js";
import type { Gateway } from "../../lib/gateway.js";
import { memoryKv } from "../../lib/kv/memory.js";
import { redisKv } from "../../lib/kv/redis.js";
import { webhook } from "../../lib/pipeline/ingest.js";
import { clientIp } from "../../lib/pipeline/client-ip.js";
import { buildShield, useShield } from "../../lib/pipeline/shield.js";
import { clickup } from "../../lib/providers/clickup.js";
import { testGateway } from "../support/gateway.js";
import { availableKvs, fileStore, forgedRequest, REDIS_URL, SECRET, validRequest, type KvUnderTest } from "./support.js";
import { itWhere } from "../support/matrix.js";

describe.each(availableKvs)("rate limits on $name KV", (under: KvUnderTest) => {
  let opened: Awaited<ReturnType<KvUnderTest["open"]>>;
  let gateway: Gateway;
  let fn: Endpoint;

  async function start(env: Record<string, string>): Promise<void> {
    opened = await under.open();
    gateway = await testGateway({ CLICKUP_WEBHOOK_SECRET: SECRET, ...env }, { kv: opened.kv, store: await fileStore() });
    fn = webhook(clickup, async () => gateway);
  }
  afterEach(async () => {
    await settled();
    await gateway.close();
    await opened.close();
  });

  it("answers 429 with Retry-After and RateLimit-* once an IP fills its window; other IPs go on", async () => {
    await start({ RATE_LIMIT_PER_IP: "3/1h" });
    for (let i = 0; i < 3; i++) expect((await fn.fetch(validRequest("198.51.100.1"))).status).toBe(200);

    const limited = await fn.fetch(validRequest("198.51.100.1"));
    expect(limited.status).toBe(429);
    expect(await limited.json()).toMatchObject({ error: "rate_limited", reason: "ip_limit" });
    const retryAfter = Number(limited.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    expect(limited.headers.get("ratelimit-limit")).toBe("3");
    expect(limited.headers.get("ratelimit-remaining")).toBe("0");
    expect(limited.headers.get("ratelimit-reset")).toBe(String(retryAfter));

    expect((await fn.fetch(validRequest("198.51.100.2"))).status).toBe(200);
  });

  it("after the failed-verification limit an IP gets 429 even when signed; another IP is accepted", async () => {
    await start({ RATE_LIMIT_FAILED_VERIFICATIONS: "3/5m" });
    for (let i = 0; i < 3; i++) {
      expect((await fn.fetch(forgedRequest("203.0.113.9"))).status).toBe(401);
      await settled(); // failures are counted after the answer
    }
    const blocked = await fn.fetch(validRequest("203.0.113.9"));
    expect(blocked.status).toBe(429);
    expect(await blocked.json()).toMatchObject({ reason: "failed_verification_limit" });
    expect(Number(blocked.headers.get("retry-after"))).toBeLessThanOrEqual(300);

    expect((await fn.fetch(validRequest("203.0.113.10"))).status).toBe(200);
  });

  it("limits a source when RATE_LIMIT_PER_SOURCE names it, whatever the IP", async () => {
    await start({ RATE_LIMIT_PER_SOURCE: "clickup=2/1h" });
    expect((await fn.fetch(validRequest("192.0.2.1"))).status).toBe(200);
    expect((await fn.fetch(validRequest("192.0.2.2"))).status).toBe(200);
    const limited = await fn.fetch(validRequest("192.0.2.3"));
    expect(limited.status).toBe(429);
    expect(await limited.json()).toMatchObject({ reason: "source_limit" });
  });

  it("RATE_LIMIT_PER_IP=off lets every request through", async () => {
    await start({ RATE_LIMIT_PER_IP: "off", RATE_LIMIT_FAILED_VERIFICATIONS: "off" });
    for (let i = 0; i < 5; i++) expect((await fn.fetch(validRequest("198.51.100.7"))).status).toBe(200);
  });

  itWhere(under.name === "upstash")("answers a flood from a limited IP without KV calls, booking its 429s in batches", async () => {
    await start({ RATE_LIMIT_PER_IP: "2/1h" });
    for (let i = 0; i < 3; i++) await fn.fetch(validRequest("198.51.100.40"));
    await settled();
    const before = opened.upstash!.requests;
    for (let i = 0; i < 50; i++) expect((await fn.fetch(validRequest("198.51.100.40"))).status).toBe(429);
    await settled();
    expect(opened.upstash!.requests - before).toBe(0);
  });

  itWhere(under.name === "upstash")("makes one KV round trip before a new client's answer, and none within its allowance", async () => {
    await start({ RATE_LIMIT_PER_SOURCE: "*=100000/1m" });
    // A clock that stands still: allowances last until they are used up.
    useShield(gateway, await buildShield(gateway, { now: () => Date.UTC(2026, 10, 22, 4) }));
    // The first request of an instance teaches it the scripts (an EVAL each).
    expect((await fn.fetch(validRequest("198.51.100.20"))).status).toBe(200);
    await settled();

    // New clients: the IP limit, the failure check and the source limit share one HTTP request.
    let before = opened.upstash!.requests;
    for (let i = 0; i < 5; i++) expect((await fn.fetch(validRequest(`198.51.100.${21 + i}`))).status).toBe(200);
    await settled();
    expect(opened.upstash!.requests - before).toBe(5);

    // A steady client: one check, then its allowance.
    before = opened.upstash!.requests;
    for (let i = 0; i < 20; i++) expect((await fn.fetch(validRequest("198.51.100.30"))).status).toBe(200);
    await settled();
    expect(opened.upstash!.requests - before).toBe(1);
  });
});

describe("the failed-verification window", () => {
  it("lifts when the window passes (injected clock)", async () => {
    let now = Date.UTC(2026, 10, 22, 4, 0, 0);
    const clock = () => now;
    const gateway = await testGateway({ CLICKUP_WEBHOOK_SECRET: SECRET, RATE_LIMIT_FAILED_VERIFICATIONS: "2/5m" }, { kv: memoryKv(clock), store: await fileStore() });
    useShield(gateway, await buildShield(gateway, { now: clock }));
    const fn = webhook(clickup, async () => gateway);

    for (let i = 0; i < 2; i++) {
      expect((await fn.fetch(forgedRequest("203.0.113.50"))).status).toBe(401);
      await settled();
    }
    const blocked = await fn.fetch(validRequest("203.0.113.50"));
    expect(blocked.status).toBe(429);
    const wait = Number(blocked.headers.get("retry-after"));

    now += (wait - 1) * 1000;
    expect((await fn.fetch(validRequest("203.0.113.50"))).status).toBe(429);
    now += 1000;
    expect((await fn.fetch(validRequest("203.0.113.50"))).status).toBe(200);
    await gateway.close();
  });
});

describe.skipIf(!REDIS_URL)("@upstash/ratelimit's scripts on plain Redis", () => {
  it("regression: Redis rejects the allow-key-locking shebang, and the TCP transport runs the script anyway", async () => {
    const kv = redisKv(REDIS_URL!);
    const script = "#!lua flags=allow-key-locking\nreturn redis.call('INCRBY', KEYS[1], ARGV[1])";
    const key = `test:${crypto.randomUUID()}:shebang`;
    await expect(kv.client.eval(script, 1, key, 2)).rejects.toThrow(/allow-key-locking/);
    expect(await kv.script!(script, [key], [2])).toBe(2);
    expect(await kv.script!(script, [key], [3])).toBe(5); // now by SHA1
    await kv.del(key);
    await kv.close();
  });
});

describe("a request without a client IP", () => {
  it("is not held to a per-IP window every such client would share", async () => {
    const gateway = await testGateway({ CLICKUP_WEBHOOK_SECRET: SECRET, RATE_LIMIT_PER_IP: "2/1h" }, { store: await fileStore() });
    const fn = webhook(clickup, async () => gateway);
    for (let i = 0; i < 4; i++) expect((await fn.fetch(validRequest("198.51.100.80", { headers: { "x-real-ip": null } }))).status).toBe(200);
    await settled();
    await gateway.close();
  });
});

describe("the client IP", () => {
  it.each([
    [{ "x-real-ip": "203.0.113.7" }, "203.0.113.7"],
    [{ "x-forwarded-for": "203.0.113.8, 10.0.0.1" }, "203.0.113.8"],
    [{ "x-real-ip": "2001:DB8::1", "x-forwarded-for": "203.0.113.9" }, "2001:db8::1"],
    [{ "x-real-ip": "not an address; drop table" }, "unknown"],
    [{ "x-forwarded-for": "x".repeat(500) }, "unknown"],
    [{}, "unknown"],
  ])("from %j is %s", (headers, ip) => {
    expect(clientIp(new Headers(headers as Record<string, string>))).toBe(ip);
  });
});
