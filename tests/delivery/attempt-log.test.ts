// What the delivery engine says about each attempt, and how attempts are numbered
// across a replay.
//
// Regressions: "retries are invisible: the server logs nothing for failed or successful
// attempts, only dead letters" and "attempt numbers restart after a replay" (issue 12).
import { afterEach, describe, expect, it } from "vitest";
import { forward } from "../../lib/routing/define.js";
import { captureStdout } from "../support/kvs.js";
import { testApp } from "../support/app.js";
import { engine, manualClock, receiver, SECRET, seedDue, type Answer } from "./support.js";

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

async function setup(answer: (n: number) => Answer, maxAttempts = 3) {
  const target = await receiver((_, n) => answer(n));
  cleanup.push(() => target.close());
  const gateway = await testApp(
    { LOG_LEVEL: "info" },
    {
      routes: {
        destinations: { downstream: forward({ url: target.url, secret: SECRET, retry: { maxAttempts } }) },
        routes: [{ provider: "clickup", to: ["downstream"] }],
      },
    },
  );
  cleanup.push(() => gateway.close());
  const clock = manualClock();
  return { target, gateway, clock, worker: engine(gateway, { clock: clock.now }) };
}

describe("the delivery log lines", () => {
  it("says per attempt: delivery id, destination, status or error class, duration, and the next attempt or dead", async () => {
    const { gateway, clock, worker } = await setup((n) => (n === 1 ? { status: 503 } : { status: 200 }));
    const [, second] = await seedDue(gateway.store, ["downstream"], 2);
    const logs = captureStdout();
    cleanup.push(() => logs.stop());
    await worker.drain();
    clock.advance(60_000);
    await worker.drain();
    logs.stop();
    const lines = logs.records().filter((r) => r.msg === "delivery attempt");
    expect(
      lines.map(({ delivery_id, destination, attempt, outcome, status }) => [
        delivery_id,
        destination,
        attempt,
        outcome,
        status,
      ]),
    ).toEqual([
      [1, "downstream", 1, "retry", 503],
      [2, "downstream", 1, "delivered", 200],
      [1, "downstream", 2, "delivered", 200],
    ]);
    for (const line of lines) {
      expect(line.level).toBe("info");
      expect(typeof line.duration_ms).toBe("number");
    }
    expect(Date.parse(String(lines[0]!.next))).toBeGreaterThan(clock.now().getTime() - 60_000);
    expect(lines[1]!.next).toBeNull();
    // Ids and classes only: neither the event's body nor its id (the receiver's dedup key) is logged.
    expect(logs.lines.join("")).not.toContain(second!);
    expect(logs.lines.join("")).not.toContain('"n":');
  });

  it("says dead, with the error class, when the last attempt fails", async () => {
    const { gateway, worker } = await setup(() => ({ status: 410 }));
    await seedDue(gateway.store, ["downstream"], 1);
    const logs = captureStdout();
    cleanup.push(() => logs.stop());
    await worker.drain();
    logs.stop();
    expect(logs.records().filter((r) => r.msg === "delivery attempt")).toMatchObject([
      { delivery_id: 1, outcome: "dead", status: 410, next: "dead" },
    ]);
  });
});

describe("attempt numbers across a replay", () => {
  it("keep counting after a replay, and the replayed delivery gets its full schedule again", async () => {
    const { target, gateway, clock, worker } = await setup((n) => (n <= 4 ? { status: 503 } : { status: 200 }), 2);
    await seedDue(gateway.store, ["downstream"], 1);
    for (let round = 0; round < 3; round++) {
      await worker.drain();
      clock.advance(3600_000);
    }
    expect(await worker.store.get(1)).toMatchObject({ status: "dead", attempts: 2 });

    expect(await worker.store.replay({ id: 1 }, { now: clock.now() })).toMatchObject({ replayed: 1 });
    for (let round = 0; round < 3; round++) {
      await worker.drain();
      clock.advance(3600_000);
    }
    const detail = (await worker.store.get(1))!;
    // Two more attempts (maxAttempts 2 per round), numbered 3 and 4, not 1 and 2 again.
    expect(detail).toMatchObject({ status: "dead", attempts: 4, replays: 1 });
    expect(detail.log.map((a) => [a.attempt, a.outcome])).toEqual([
      [4, "dead"],
      [3, "retry"],
      [2, "dead"],
      [1, "retry"],
    ]);
    expect(target.requests.map((r) => r.headers["x-hookgate-attempt"])).toEqual(["1", "2", "3", "4"]);

    await worker.store.replay({ id: 1 }, { now: clock.now() });
    await worker.drain();
    expect(await worker.store.get(1)).toMatchObject({ status: "delivered", attempts: 5, replays: 2 });
  });
});
