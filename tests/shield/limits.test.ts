// Rate limits, on every KV hookgate runs on: process memory, real Redis over TCP, and
// the real @upstash/redis client through a local Upstash REST server to that Redis.
import { afterEach, describe, expect, it } from "vitest";
import { settled } from "../../lib/http/after.js";
import type { Endpoint } from "../../lib/http/endpoint.js";
import type { App } from "../../lib/app.js";
import { memoryKv } from "../../lib/kv/memory.js";
import { redisKv } from "../../lib/kv/redis.js";
import { webhook } from "../../lib/routes/webhooks.js";
import { clientIpReader } from "../../lib/shield/client-ip.js";
import { clickup } from "../../lib/providers/clickup.js";
import { endpointOf, testApp } from "../support/app.js";
import {
  availableKvs,
  fileStore,
  forgedRequest,
  REDIS_URL,
  SECRET,
  validRequest,
  type KvUnderTest,
} from "../support/kvs.js";
import { itWhere } from "../support/matrix.js";

describe.each(availableKvs)("rate limits on $name KV", (under: KvUnderTest) => {
  let opened: Awaited<ReturnType<KvUnderTest["open"]>>;
  let gateway: App;
  let fn: Endpoint;

  async function start(env: Record<string, string>, clock?: () => number): Promise<void> {
    opened = await under.open();
    gateway = await testApp(
      { CLICKUP_WEBHOOK_SECRET: SECRET, HOOKGATE_TRUST_PROXY: "x-real-ip", ...env },
      { kv: opened.kv, store: await fileStore(), clock },
    );
    fn = endpointOf(webhook(clickup), async () => gateway);
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

  it("regression: a verified request from an IP over its failure limit is accepted (2xx); only its failures get 429", async () => {
    await start({ RATE_LIMIT_FAILED_VERIFICATIONS: "3/5m" });
    for (let i = 0; i < 3; i++) {
      expect((await fn.fetch(forgedRequest("203.0.113.9"))).status).toBe(401);
      await settled(); // failures are counted after the answer
    }
    // The real provider, sending from the same (shared) IP, is never locked out.
    for (let i = 0; i < 3; i++) expect((await fn.fetch(validRequest("203.0.113.9"))).status).toBe(200);

    const blocked = await fn.fetch(forgedRequest("203.0.113.9"));
    expect(blocked.status).toBe(429);
    expect(await blocked.json()).toMatchObject({ reason: "failed_verification_limit" });
    expect(Number(blocked.headers.get("retry-after"))).toBeLessThanOrEqual(300);
    expect((await fn.fetch(validRequest("203.0.113.9"))).status).toBe(200);

    // Another IP's failures are its own.
    expect((await fn.fetch(forgedRequest("203.0.113.10"))).status).toBe(401);
  });

  it("with the default limits, 21 forgeries from one IP are 21 × 401 (the alert sees them all first)", async () => {
    await start({});
    for (let i = 0; i < 21; i++) {
      expect((await fn.fetch(forgedRequest("203.0.113.11"))).status).toBe(401);
      await settled();
    }
    expect((await fn.fetch(validRequest("203.0.113.11"))).status).toBe(200);
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

  itWhere(under.name === "upstash")(
    "answers a flood from a limited IP without KV calls, booking its 429s in batches",
    async () => {
      await start({ RATE_LIMIT_PER_IP: "2/1h" });
      for (let i = 0; i < 3; i++) await fn.fetch(validRequest("198.51.100.40"));
      await settled();
      const before = opened.upstash!.requests;
      for (let i = 0; i < 50; i++) expect((await fn.fetch(validRequest("198.51.100.40"))).status).toBe(429);
      await settled();
      expect(opened.upstash!.requests - before).toBe(0);
    },
  );

  itWhere(under.name === "upstash")(
    "makes one KV round trip before a new client's answer, and none within its allowance",
    async () => {
      // A clock that stands still: allowances last until they are used up. A generous
      // limiter timeout: on a loaded machine a slow answer would fail open and send its
      // held counts later, which is a separate behaviour (tests/shield/fail-open.test.ts).
      await start({ RATE_LIMIT_PER_SOURCE: "*=100000/1m", RATE_LIMIT_TIMEOUT_MS: "10000" }, () =>
        Date.UTC(2026, 10, 22, 4),
      );
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
    },
  );
});

describe("the failed-verification window", () => {
  it("lifts when the window passes (injected clock)", async () => {
    let now = Date.UTC(2026, 10, 22, 4, 0, 0);
    const clock = () => now;
    const gateway = await testApp(
      { CLICKUP_WEBHOOK_SECRET: SECRET, RATE_LIMIT_FAILED_VERIFICATIONS: "2/5m", HOOKGATE_TRUST_PROXY: "x-real-ip" },
      { kv: memoryKv(clock), store: await fileStore(), clock },
    );
    const fn = endpointOf(webhook(clickup), async () => gateway);

    for (let i = 0; i < 2; i++) {
      expect((await fn.fetch(forgedRequest("203.0.113.50"))).status).toBe(401);
      await settled();
    }
    const blocked = await fn.fetch(forgedRequest("203.0.113.50"));
    expect(blocked.status).toBe(429);
    const wait = Number(blocked.headers.get("retry-after"));
    expect((await fn.fetch(validRequest("203.0.113.50"))).status).toBe(200);

    now += (wait - 1) * 1000;
    expect((await fn.fetch(forgedRequest("203.0.113.50"))).status).toBe(429);
    now += 1000;
    expect((await fn.fetch(forgedRequest("203.0.113.50"))).status).toBe(401);
    await settled();
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
    const gateway = await testApp(
      { CLICKUP_WEBHOOK_SECRET: SECRET, RATE_LIMIT_PER_IP: "2/1h", HOOKGATE_TRUST_PROXY: "x-real-ip" },
      { store: await fileStore() },
    );
    const fn = endpointOf(webhook(clickup), async () => gateway);
    for (let i = 0; i < 4; i++)
      expect((await fn.fetch(validRequest("198.51.100.80", { headers: { "x-real-ip": null } }))).status).toBe(200);
    await settled();
    await gateway.close();
  });

  it("regression: self-hosted, a client's own x-real-ip is not trusted by default (it could pose as anyone)", async () => {
    const gateway = await testApp(
      { CLICKUP_WEBHOOK_SECRET: SECRET, RATE_LIMIT_FAILED_VERIFICATIONS: "1/5m" },
      { store: await fileStore() },
    );
    const fn = endpointOf(webhook(clickup), async () => gateway);
    // Claims to be 198.51.100.90 twice: no per-IP failure window is filled for that address.
    for (let i = 0; i < 3; i++) {
      expect((await fn.fetch(forgedRequest("198.51.100.90"))).status).toBe(401);
      await settled();
    }
    await gateway.close();
  });
});

describe("the client IP: which header is trusted where (HOOKGATE_TRUST_PROXY)", () => {
  const read = (env: { HOOKGATE_TRUST_PROXY: string; VERCEL?: string }, headers: Record<string, string>) =>
    clientIpReader(env)(new Headers(headers));
  const spoofed = {
    "x-real-ip": "203.0.113.66",
    "x-forwarded-for": "203.0.113.67",
    "cf-connecting-ip": "203.0.113.68",
  };

  it.each([
    // Self-hosted, auto: no header is trusted.
    [{ HOOKGATE_TRUST_PROXY: "auto" }, spoofed, "unknown"],
    [{ HOOKGATE_TRUST_PROXY: "none", VERCEL: "1" }, { "x-vercel-forwarded-for": "203.0.113.1" }, "unknown"],
    // On Vercel, auto: the platform's headers, x-vercel-forwarded-for first.
    [
      { HOOKGATE_TRUST_PROXY: "auto", VERCEL: "1" },
      { "x-vercel-forwarded-for": "203.0.113.7", "x-real-ip": "203.0.113.8" },
      "203.0.113.7",
    ],
    [{ HOOKGATE_TRUST_PROXY: "auto", VERCEL: "1" }, { "x-real-ip": "2001:DB8::1" }, "2001:db8::1"],
    [{ HOOKGATE_TRUST_PROXY: "vercel" }, { "x-forwarded-for": "203.0.113.9" }, "unknown"],
    // A named proxy header.
    [{ HOOKGATE_TRUST_PROXY: "x-real-ip" }, spoofed, "203.0.113.66"],
    [{ HOOKGATE_TRUST_PROXY: "cf-connecting-ip" }, spoofed, "203.0.113.68"],
    // x-forwarded-for: the last entry, the one the trusted proxy appended.
    [{ HOOKGATE_TRUST_PROXY: "x-forwarded-for" }, { "x-forwarded-for": "6.6.6.6, 203.0.113.8" }, "203.0.113.8"],
    [{ HOOKGATE_TRUST_PROXY: "x-real-ip" }, { "x-real-ip": "not an address; drop table" }, "unknown"],
    [{ HOOKGATE_TRUST_PROXY: "x-forwarded-for" }, { "x-forwarded-for": "x".repeat(500) }, "unknown"],
    [{ HOOKGATE_TRUST_PROXY: "x-real-ip" }, {}, "unknown"],
  ])("%j with %j is %s", (env, headers, ip) => {
    expect(read(env, headers)).toBe(ip);
  });

  it("names HOOKGATE_TRUST_PROXY when it is not a header name", async () => {
    const { loadConfig } = await import("../../lib/config/env.js");
    expect(() => loadConfig({ HOOKGATE_TRUST_PROXY: "x-real-ip; drop" })).toThrow("HOOKGATE_TRUST_PROXY");
  });
});
