// Attempts against real local HTTP receivers, on the embedded store and memory KV,
// with a clock moved by hand (no waiting for retries).
import { Webhook } from "standardwebhooks";
import { afterEach, describe, expect, it } from "vitest";
import { forward } from "../../lib/routing/define.js";
import type { DeliverySignal } from "../../lib/delivery/signals.js";
import { engine, manualClock, receiver, refusingUrl, SECRET, seedDue, type Answer } from "./support.js";
import { testApp } from "../support/app.js";

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

async function setup(answer: (n: number) => Answer, destination: Partial<Parameters<typeof forward>[0]> = {}) {
  const target = await receiver((_, n) => answer(n));
  cleanup.push(() => target.close());
  const gateway = await testApp(
    {},
    {
      routes: {
        destinations: { downstream: forward({ url: target.url, secret: SECRET, ...destination }) },
        routes: [{ provider: "clickup", to: ["downstream"] }],
      },
    },
  );
  cleanup.push(() => gateway.close());
  const clock = manualClock();
  const signals: DeliverySignal[] = [];
  const worker = engine(gateway, { clock: clock.now });
  worker.signals.on((signal) => void signals.push(signal));
  return { target, gateway, clock, signals, worker };
}

describe("an HTTP forward", () => {
  it("is retried on 5xx until it succeeds, with the same webhook-id, and every attempt logged", async () => {
    const { target, gateway, clock, worker } = await setup((n) =>
      n <= 3 ? { status: 503 } : { status: 200, body: "thanks" },
    );
    const [eventId] = await seedDue(gateway.store, ["downstream"], 1);

    for (let round = 0; round < 6; round++) {
      await worker.drain();
      clock.advance(11 * 3600_000);
    }

    expect(target.requests).toHaveLength(4);
    expect(new Set(target.requests.map((r) => r.headers["webhook-id"]))).toEqual(new Set([eventId]));
    expect(target.requests.map((r) => r.headers["x-hookgate-attempt"])).toEqual(["1", "2", "3", "4"]);
    const detail = await worker.store.get(1);
    expect(detail?.status).toBe("delivered");
    expect(detail?.attempts).toBe(4);
    expect(detail?.log.map((a) => [a.attempt, a.outcome, a.status, a.error_class])).toEqual([
      [4, "delivered", 200, null],
      [3, "retry", 503, "http_503"],
      [2, "retry", 503, "http_503"],
      [1, "retry", 503, "http_503"],
    ]);
    expect(detail?.log[0]?.response).toBe("thanks");
  });

  it("sends the raw body, its content-type, and a signature the receiver verifies", async () => {
    const { target, gateway, worker } = await setup(() => ({ status: 204 }));
    await seedDue(gateway.store, ["downstream"], 1);
    await worker.drain();
    const [request] = target.requests;
    expect(request?.headers["content-type"]).toBe("application/json");
    expect(request?.headers["x-hookgate-provider"]).toBe("clickup");
    expect(request?.headers["x-hookgate-event-type"]).toBe("taskCreated");
    const headers = {
      "webhook-id": String(request?.headers["webhook-id"]),
      "webhook-timestamp": String(request?.headers["webhook-timestamp"]),
      "webhook-signature": String(request?.headers["webhook-signature"]),
    };
    expect(new Webhook(SECRET).verify(request!.body.toString(), headers)).toMatchObject({ n: expect.any(Number) });
  });

  it("times out a receiver that hangs, and retries it", async () => {
    const { gateway, worker } = await setup(() => "hang", { timeoutMs: 200 });
    await seedDue(gateway.store, ["downstream"], 1);
    expect(await worker.drain()).toMatchObject({ retried: 1, delivered: 0 });
    const detail = await worker.store.get(1);
    expect(detail).toMatchObject({ status: "pending", attempts: 1, last_error_class: "timeout" });
  });

  it("times out at the destination's own limit, not the default 10 s", async () => {
    // The receiver answers after 1.5 s: inside the default, past this destination's 300 ms.
    const { gateway, worker } = await setup(() => ({ status: 200, delayMs: 1_500 }), { timeoutMs: 300 });
    await seedDue(gateway.store, ["downstream"], 1);
    expect(await worker.drain()).toMatchObject({ retried: 1, delivered: 0 });
    const detail = (await worker.store.get(1))!;
    expect(detail).toMatchObject({ status: "pending", last_error_class: "timeout" });
    expect(detail.last_error).toContain("within 300 ms");
    expect(detail.log[0]!.duration_ms).toBeGreaterThanOrEqual(290);
    expect(detail.log[0]!.duration_ms).toBeLessThan(1_500);
  });

  it("a custom maxAttempts dead-letters after its own count", async () => {
    const { target, gateway, clock, worker, signals } = await setup(() => ({ status: 503 }), {
      retry: { maxAttempts: 3 },
    });
    await seedDue(gateway.store, ["downstream"], 1);
    for (let round = 0; round < 6; round++) {
      await worker.drain();
      clock.advance(11 * 3600_000);
    }
    expect(target.requests).toHaveLength(3);
    const detail = (await worker.store.get(1))!;
    expect(detail).toMatchObject({ status: "dead", attempts: 3 });
    expect(detail.log.map((a) => a.outcome)).toEqual(["dead", "retry", "retry"]);
    expect(signals.filter((s) => s.type === "dead_letter")).toMatchObject([{ attempts: 3 }]);
  });

  it("waits as long as a 429's Retry-After asks", async () => {
    const { gateway, clock, worker } = await setup(() => ({
      status: 429,
      headers: { "retry-after": "120" },
      body: "slow down",
    }));
    await seedDue(gateway.store, ["downstream"], 1);
    const before = clock.now().getTime();
    await worker.drain();
    const detail = await worker.store.get(1);
    expect(detail).toMatchObject({ status: "pending", last_status: 429, last_error_class: "http_429" });
    expect(new Date(detail!.next_attempt_at).getTime() - before).toBe(120_000);
    expect(detail?.log[0]?.response).toBe("slow down");
  });

  it("dead-letters a 410 at once, and says so", async () => {
    const { target, gateway, clock, worker, signals } = await setup(() => ({ status: 410 }));
    const [eventId] = await seedDue(gateway.store, ["downstream"], 1);
    expect(await worker.drain()).toMatchObject({ dead: 1 });
    clock.advance(48 * 3600_000);
    await worker.drain();
    expect(target.requests).toHaveLength(1);
    const page = await worker.store.listDeadLetters({});
    expect(page.items).toMatchObject([
      {
        id: 1,
        destination: "downstream",
        event_id: eventId,
        attempts: 1,
        last_status: 410,
        last_error_class: "http_410",
      },
    ]);
    expect(signals).toMatchObject([
      { type: "dead_letter", deliveryId: 1, destination: "downstream", eventId, errorClass: "http_410" },
    ]);
  });

  it("dead-letters another 4xx after one attempt, unless the destination retries client errors", async () => {
    const strict = await setup(() => ({ status: 422 }));
    await seedDue(strict.gateway.store, ["downstream"], 1);
    expect(await strict.worker.drain()).toMatchObject({ dead: 1 });

    const lenient = await setup(() => ({ status: 422 }), { retry: { retryClientErrors: [422] } });
    await seedDue(lenient.gateway.store, ["downstream"], 1);
    expect(await lenient.worker.drain()).toMatchObject({ retried: 1 });
  });

  it("retries a refused connection, and dead-letters it when the schedule runs out", async () => {
    const { gateway, clock } = await setup(() => ({ status: 200 }));
    const url = await refusingUrl();
    const refused = await testApp(
      {},
      {
        routes: {
          destinations: { down: forward({ url, secret: SECRET, retry: { schedule: [0, 1000, 1000] } }) },
          routes: [{ provider: "clickup", to: ["down"] }],
        },
        store: gateway.store,
      },
    );
    cleanup.push(() => refused.kv.close());
    const refusedWorker = engine(refused, { clock: clock.now });
    await seedDue(gateway.store, ["down"], 1);
    expect(await refusedWorker.drain()).toMatchObject({ retried: 1 });
    expect(await refusedWorker.store.get(1)).toMatchObject({
      last_error_class: "connection_refused",
      status: "pending",
    });
    clock.advance(2000);
    await refusedWorker.drain();
    clock.advance(2000);
    expect(await refusedWorker.drain()).toMatchObject({ dead: 1 });
    expect(await refusedWorker.store.get(1)).toMatchObject({
      status: "dead",
      attempts: 3,
      last_error_class: "connection_refused",
    });
  });

  it("dead-letters a delivery whose destination left the routes", async () => {
    const { gateway, worker } = await setup(() => ({ status: 200 }));
    await seedDue(gateway.store, ["gone"], 1);
    expect(await worker.drain()).toMatchObject({ dead: 1 });
    expect(await worker.store.get(1)).toMatchObject({ status: "dead", last_error_class: "unknown_destination" });
  });
});

describe("the claim loop", () => {
  it("stops claiming when an attempt begun now could outlast the deadline", async () => {
    const { target, gateway, clock, worker } = await setup(() => ({ status: 200 }));
    await seedDue(gateway.store, ["downstream"], 3);
    // The longest timeout is 10 s, plus 5 s to record: 14 s left is not enough.
    const tooLate = await worker.drain({ deadline: new Date(clock.now().getTime() + 14_000) });
    expect(tooLate).toMatchObject({ claimed: 0, stoppedBy: "deadline" });
    expect(target.requests).toHaveLength(0);
    expect(await worker.drain({ deadline: new Date(clock.now().getTime() + 16_000) })).toMatchObject({
      delivered: 3,
      stoppedBy: "idle",
    });
  });
});

describe("the breaker (memory KV)", () => {
  it("opens after 5 consecutive failures, defers without using attempts, and closes on a good probe", async () => {
    let healthy = false;
    const { target, gateway, clock, worker, signals } = await setup(
      () => (healthy ? { status: 200 } : { status: 500 }),
      {
        retry: { schedule: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0] },
      },
    );
    await seedDue(gateway.store, ["downstream"], 5);
    await worker.drain({ concurrency: 10, lanes: 1 });
    expect(target.requests).toHaveLength(5);
    expect(signals).toMatchObject([
      { type: "breaker_opened", destination: "downstream", reason: "consecutive_failures" },
    ]);

    // Open: due deliveries are put back without an attempt.
    await seedDue(gateway.store, ["downstream"], 3);
    const deferred = await worker.drain({ concurrency: 10, lanes: 1 });
    expect(deferred).toMatchObject({ deferred: 8, retried: 0 });
    expect(target.requests).toHaveLength(5);
    expect((await worker.store.get(6))?.attempts).toBe(0);

    // After the cooldown exactly one probe goes; it succeeds and the breaker closes.
    healthy = true;
    clock.advance(31_000);
    const probe = await worker.drain({ concurrency: 10, lanes: 1 });
    expect(probe).toMatchObject({ delivered: 1, deferred: 7 });
    expect(signals.at(-1)).toMatchObject({ type: "breaker_closed", destination: "downstream" });
    clock.advance(6_000);
    expect(await worker.drain({ concurrency: 10, lanes: 1 })).toMatchObject({ delivered: 7 });
    expect(target.requests).toHaveLength(13);
  });
});
