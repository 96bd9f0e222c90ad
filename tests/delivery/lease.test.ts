// The lease, at the SQL level (PGlite): a claimed delivery is nobody else's until its
// lease ends, and a worker overtaken after that cannot overwrite the newer result.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DeliveryStore } from "../../lib/store/deliveries.js";
import type { Store } from "../../lib/store/store.js";
import { memoryStore } from "../support/app.js";
import { seedDue } from "./support.js";

describe("leases", () => {
  let store: Store;
  let calls: DeliveryStore;
  beforeAll(async () => {
    store = await memoryStore();
    calls = store.deliveries;
  });
  afterAll(() => store?.close());

  const at = (t0: number, seconds: number) => new Date(t0 + seconds * 1000);
  const record = (id: number, attempt: number, outcome: "delivered" | "retry", when: Date) => ({
    id,
    attempt,
    outcome,
    attempted_at: when.toISOString(),
    duration_ms: 1,
    ...(outcome === "retry"
      ? { next_attempt_at: when.toISOString(), error_class: "timeout", error: "slow" }
      : { status: 200 }),
  });

  it("an overtaken worker's late result is refused as stale, and logged nowhere", async () => {
    await seedDue(store, ["d"], 1);
    const t0 = Date.now() + 1000;
    const [first] = await calls.claim(10, 60, at(t0, 0));
    expect(first).toMatchObject({ attempt: 1 });
    expect(await calls.claim(10, 60, at(t0, 59))).toEqual([]);

    // The lease runs out; another worker claims it and records its attempt.
    const [second] = await calls.claim(10, 60, at(t0, 61));
    expect(second).toMatchObject({ id: first!.id, attempt: 1 });
    expect(await calls.record([record(second!.id, 1, "retry", at(t0, 62))])).toEqual({
      recorded: [second!.id],
      stale: [],
    });

    // The first worker comes back late: its result no longer counts.
    expect(await calls.record([record(first!.id, 1, "delivered", at(t0, 63))])).toEqual({
      recorded: [],
      stale: [first!.id],
    });
    const detail = await calls.get(first!.id);
    expect(detail).toMatchObject({ status: "pending", attempts: 1, last_error_class: "timeout" });
    expect(detail?.log).toHaveLength(1);
  });

  it("claims nothing that is not yet due, and in due order", async () => {
    const t0 = Date.now() + 1000;
    await seedDue(store, ["order"], 3);
    const claimed = await calls.claim(2, 60, at(t0, 0), ["order"]);
    expect(claimed.map((c) => c.destination)).toEqual(["order", "order"]);
    const rest = await calls.claim(10, 60, at(t0, 0), ["order"]);
    expect(rest).toHaveLength(1);
    expect(await calls.claim(10, 60, at(t0, 0), ["order"])).toEqual([]);
    expect(await calls.claim(0, 60, at(t0, 120), ["order"])).toEqual([]);
  });
});
