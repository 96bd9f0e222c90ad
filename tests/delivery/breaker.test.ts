// The breaker's decision (pure), and its shared state across two KV clients on real Redis.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kvBreaker, shouldOpen, type Breaker } from "../../lib/delivery/breaker.js";
import { DEFAULT_BREAKER_POLICY } from "../../lib/routing/policy.js";
import { deliverySignals, type DeliverySignal } from "../../lib/delivery/signals.js";
import { memoryKv } from "../../lib/kv/memory.js";
import type { Kv } from "../../lib/kv/port.js";
import { redisKv } from "../../lib/kv/redis.js";
import { upstashKv } from "../../lib/kv/upstash.js";
import { startUpstashRest, type UpstashRestServer } from "../support/upstash-rest.js";
import { setLogLevel } from "../../lib/observability/log.js";
import { counterValue } from "../../lib/observability/counters.js";
import { captureStdout } from "../support/kvs.js";
import { manualClock } from "./support.js";

setLogLevel("silent");

const REDIS_URL = process.env.REDIS_URL;
const policy = DEFAULT_BREAKER_POLICY;
const probeTtl = 15_000;

describe("shouldOpen", () => {
  it("opens on consecutive failures or on the window's failure rate", () => {
    expect(shouldOpen({ consecutiveFailures: 4, windowFailed: 4, windowTotal: 100 }, policy)).toBeNull();
    expect(shouldOpen({ consecutiveFailures: 5, windowFailed: 5, windowTotal: 100 }, policy)).toBe(
      "consecutive_failures",
    );
    expect(shouldOpen({ consecutiveFailures: 1, windowFailed: 10, windowTotal: 20 }, policy)).toBe("failure_rate");
    // Too few attempts in the window to judge a rate.
    expect(shouldOpen({ consecutiveFailures: 1, windowFailed: 9, windowTotal: 10 }, policy)).toBeNull();
  });
});

/** Shared behaviour, on whichever pair of KV clients (the memory pair is one store, shared). */
async function opensForBothWithOneProbe(kvA: Kv, kvB: Kv, prefix: string) {
  const clock = manualClock();
  const signals: DeliverySignal[] = [];
  // One sink for both instances' signals: the opening is announced by one of them only.
  const sink = deliverySignals();
  const stop = sink.on((signal) => void signals.push(signal));
  try {
    const a: Breaker = kvBreaker(kvA, { prefix, clock: clock.now, signals: sink });
    const b: Breaker = kvBreaker(kvB, { prefix, clock: clock.now, signals: sink });

    await a.report("svc", policy, { state: "closed" }, [false, false, true, false, false]);
    expect(await b.admit("svc", policy, probeTtl)).toEqual({ state: "closed" });
    await b.report("svc", policy, { state: "closed" }, [false, false, false]);

    // Five in a row (two from A, three from B): open, for both, and announced once.
    expect(await a.admit("svc", policy, probeTtl)).toMatchObject({ state: "open" });
    expect(await b.admit("svc", policy, probeTtl)).toMatchObject({ state: "open" });
    expect(signals.filter((s) => s.type === "breaker_opened")).toHaveLength(1);

    // After the cooldown, of many callers on both clients exactly one probes.
    clock.advance(policy.cooldownMs);
    const admissions = await Promise.all([a, b, a, b, a, b].map((breaker) => breaker.admit("svc", policy, probeTtl)));
    expect(admissions.filter((x) => x.state === "probe")).toHaveLength(1);
    expect(admissions.filter((x) => x.state === "open")).toHaveLength(5);

    // A failed probe keeps it open for another cooldown; a good one closes it for both.
    await a.report("svc", policy, { state: "probe" }, [false]);
    expect(await b.admit("svc", policy, probeTtl)).toMatchObject({ state: "open" });
    clock.advance(policy.cooldownMs);
    expect(await b.admit("svc", policy, probeTtl)).toEqual({ state: "probe" });
    await b.report("svc", policy, { state: "probe" }, [true]);
    expect(await a.admit("svc", policy, probeTtl)).toEqual({ state: "closed" });
    expect(signals.map((s) => s.type)).toEqual(["breaker_opened", "breaker_closed"]);

    // Closed means counted afresh: four more failures do not reopen it.
    await a.report("svc", policy, { state: "closed" }, [false, false, false, false]);
    expect(await b.admit("svc", policy, probeTtl)).toEqual({ state: "closed" });
  } finally {
    stop();
  }
}

describe("the breaker in KV", () => {
  it("opens, probes once and closes (memory KV, one process)", async () => {
    const kv = memoryKv();
    await opensForBothWithOneProbe(kv, kv, "mem:");
  });

  it("opens on the failure rate of its window, announcing why", async () => {
    const clock = manualClock(new Date(Math.ceil(Date.now() / 60_000) * 60_000 + 1_000));
    const signals: DeliverySignal[] = [];
    const sink = deliverySignals();
    const stop = sink.on((signal) => void signals.push(signal));
    try {
      const breaker = kvBreaker(
        memoryKv(() => clock.now().getTime()),
        { prefix: "rate:", clock: clock.now, signals: sink },
      );
      // Every other attempt fails: never 5 in a row, but half of 20 in the window.
      const alternating = Array.from({ length: 18 }, (_, i) => i % 2 === 0);
      await breaker.report("svc", policy, { state: "closed" }, alternating);
      expect(await breaker.admit("svc", policy, probeTtl)).toEqual({ state: "closed" });
      await breaker.report("svc", policy, { state: "closed" }, [true, false]);
      expect(await breaker.admit("svc", policy, probeTtl)).toMatchObject({ state: "open" });
      expect(signals).toMatchObject([
        { type: "breaker_opened", reason: "failure_rate", windowFailed: 10, windowTotal: 20 },
      ]);
    } finally {
      stop();
    }
  });

  it("fails open, and says so, when KV cannot be reached", async () => {
    const broken: Kv = { ...memoryKv(), get: () => Promise.reject(new Error("down")) };
    expect(await kvBreaker(broken).admit("svc", policy, probeTtl)).toEqual({
      state: "closed",
      reason: "kv_unavailable",
    });
  });

  it("repeated KV failures: every one counted, one warning a minute (the drill saw 626 lines in 15 s)", async () => {
    const broken: Kv = {
      ...memoryKv(),
      get: () => Promise.reject(new Error("down")),
      incrBy: () => Promise.reject(new Error("down")),
    };
    const clock = manualClock();
    const breaker = kvBreaker(broken, { clock: clock.now });
    const logs = captureStdout();
    setLogLevel("warn");
    const before = counterValue("hookgate_breaker_kv_errors_total", { op: "admit" });
    try {
      for (let second = 0; second < 150; second++) {
        for (let i = 0; i < 4; i++) {
          await breaker.admit(`svc${i}`, policy, probeTtl);
          await breaker.report(`svc${i}`, policy, { state: "closed" }, [false]);
        }
        clock.advance(1_000);
      }
    } finally {
      logs.stop();
      setLogLevel("silent");
    }
    const warnings = logs
      .records()
      .filter((r) => r.level === "warn")
      .map((r) => r.msg);
    // 150 s: minutes starting at 0, 60 and 120 s, once for each kind of failure.
    expect(warnings.filter((m) => m === "breaker state unavailable; delivering anyway")).toHaveLength(3);
    expect(warnings.filter((m) => m === "breaker state not updated")).toHaveLength(3);
    expect(counterValue("hookgate_breaker_kv_errors_total", { op: "admit" }) - before).toBe(600);
  });

  describe.skipIf(!REDIS_URL)("on real Redis, across two clients", () => {
    const clients: Kv[] = [];
    afterAll(async () => {
      await Promise.all(clients.map((c) => c.close()));
    });

    it("opens for both, and lets one probe through", async () => {
      const [a, b] = [redisKv(REDIS_URL!), redisKv(REDIS_URL!)];
      clients.push(a, b);
      await opensForBothWithOneProbe(a, b, `hookgate-test:${process.pid}:${Date.now()}:`);
    });
  });

  describe.skipIf(!REDIS_URL)("on Upstash (its REST protocol, in front of real Redis), across two clients", () => {
    let server: UpstashRestServer;
    beforeAll(async () => {
      server = await startUpstashRest(REDIS_URL!);
    });
    afterAll(() => server?.close());

    it("opens for both, and lets one probe through", async () => {
      const [a, b] = [upstashKv(server.url, server.token), upstashKv(server.url, server.token)];
      await opensForBothWithOneProbe(a, b, `hookgate-test:upstash:${process.pid}:${Date.now()}:`);
    });
  });
});
