// The router action against a real local HTTP server speaking the ClickUp API, with
// the decision recorded in a real store (PGlite, and PostgreSQL with DATABASE_URL).
// The engine's part (when to attempt again) is tested end to end elsewhere; here one
// attempt at a time: what it sends, what it leaves alone, what outcome it reports.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { AttemptOutcome, DeliveryEvent } from "../../../lib/destinations/contract.js";
import { CLICKUP_ROUTER, clickupRouter } from "../../../lib/destinations/clickup/action.js";
import { clickupRoutingSettings } from "../../../lib/destinations/clickup/settings.js";
import { NEEDS_CX_ROUTING, NEEDS_OPS_ROUTING } from "../../../lib/destinations/clickup/rules.js";
import { startFakeClickUp, type FakeClickUp, type SeedTask } from "../../support/clickup-api.js";
import { openHarness, OTHER_LIST, ROUTED_LIST, routingEnv, STORES, type Harness } from "./harness.js";

const ANA = 81234567; // CX owner of Acme Hotels (VIP)
const BEN = 81234568; // CX owner of Blue Harbor
const OLA = 81234570; // Ops owner of Lisbon
const HUMAN = 555; // someone a person assigned by hand

const DIRECTORY = `
  insert into hookgate.clickup_customers (name, vip, cx_owner_id) values
    ('Acme Hotels', true, ${ANA}), ('Blue Harbor', false, ${BEN}), ('Cedar Stays', false, null);
  insert into hookgate.clickup_markets (name, ops_owner_id) values ('Lisbon', ${OLA}), ('Faro', null);`;

describe.each(STORES)("ClickUp router action on $name", ({ name, skip }) => {
  let api: FakeClickUp;
  let h: Harness;
  let seq = 0;
  let router: ReturnType<typeof clickupRouter>;

  beforeAll(async () => {
    if (skip) return;
    api = await startFakeClickUp();
    h = await openHarness(name, routingEnv(api));
    router = clickupRouter({ directory: h.gateway.store.clickup, settings: clickupRoutingSettings(h.gateway.config) });
    await h.sql(DIRECTORY);
  });
  afterAll(async () => {
    await h?.close();
    await api?.close();
  });
  beforeEach(() => {
    api?.calls.splice(0);
    api?.up();
  });

  /** A recorded taskCreated event for a task the fake ClickUp holds, and a run of the router on it. */
  async function created(task: SeedTask, { carryTask = false } = {}) {
    const seeded = api.addTask(task);
    const payload = {
      event: "taskCreated",
      task_id: task.id,
      webhook_id: "w",
      history_items: [{ id: String(++seq), field: "task_creation", parent_id: ROUTED_LIST }],
      ...(carryTask ? { task: seeded } : {}),
    };
    const body = new TextEncoder().encode(JSON.stringify(payload));
    const recorded = await h.gateway.store.events.ingest({
      source: "clickup",
      provider: "clickup",
      dedupKey: `action-${seq}`,
      type: "taskCreated",
      verified: true,
      body,
      payload,
      headers: {},
      destinations: [CLICKUP_ROUTER],
      leaseSeconds: 60,
    });
    const event: DeliveryEvent = {
      id: recorded.event_id,
      provider: "clickup",
      type: "taskCreated",
      body,
      payload,
      headers: {},
      receivedAt: new Date(),
    };
    let attempt = 0;
    const run = (): Promise<AttemptOutcome> =>
      router.run(event, {
        deliveryId: recorded.deliveries[0]!.id,
        attempt: ++attempt,
        signal: new AbortController().signal,
      });
    return { event, run };
  }

  const writes = () => api.writes().map((c) => [c.method, c.path, c.body]);

  it.skipIf(skip)(
    "assigns a VIP customer's CX owner and the market's Ops owner in one call, and records why",
    async () => {
      const { event, run } = await created({
        id: "t-vip",
        listId: ROUTED_LIST,
        customer: "Acme Hotels",
        market: "Lisbon",
      });
      expect(await run()).toMatchObject({ kind: "delivered" });
      expect(api.calls.map((c) => `${c.method} ${c.path}`)).toEqual([
        "GET /api/v2/task/t-vip",
        "PUT /api/v2/task/t-vip",
      ]);
      expect(writes()).toEqual([["PUT", "/api/v2/task/t-vip", { assignees: { add: [ANA, OLA], rem: [] } }]]);
      expect(api.task("t-vip")!.assignees.map((a) => a.id)).toEqual([ANA, OLA]);

      const [decision] = await h.gateway.store.clickup.routingDecisions({ eventId: event.id });
      expect(decision).toMatchObject({
        task_id: "t-vip",
        list_id: ROUTED_LIST,
        customer: "Acme Hotels",
        market: "Lisbon",
        assignees: [ANA, OLA],
        tags: [],
      });
      expect(decision!.reasons.map((r) => [r.branch, r.action])).toEqual([
        ["vip_customer_owner", { assign: ANA }],
        ["market_owner", { assign: OLA }],
      ]);
    },
  );

  it.skipIf(skip)("tags the task for humans when neither rule can decide", async () => {
    const { run } = await created({ id: "t-none", listId: ROUTED_LIST, customer: null, market: null });
    expect(await run()).toMatchObject({ kind: "delivered" });
    expect(writes()).toEqual([
      ["POST", `/api/v2/task/t-none/tag/${NEEDS_CX_ROUTING}`, {}],
      ["POST", `/api/v2/task/t-none/tag/${NEEDS_OPS_ROUTING}`, {}],
    ]);
    expect(api.task("t-none")!.tags.map((t) => t.name)).toEqual(["needs cx routing", "needs ops routing"]);
  });

  it.skipIf(skip)("assigns and tags together: a standard customer in a market without an owner", async () => {
    const { run } = await created({ id: "t-mixed", listId: ROUTED_LIST, customer: "Blue Harbor", market: "Faro" });
    expect(await run()).toMatchObject({ kind: "delivered" });
    expect(writes()).toEqual([
      ["PUT", "/api/v2/task/t-mixed", { assignees: { add: [BEN], rem: [] } }],
      ["POST", `/api/v2/task/t-mixed/tag/${NEEDS_OPS_ROUTING}`, {}],
    ]);
  });

  it.skipIf(skip)("keeps what a human set, adds only what is missing, and a replay sends nothing", async () => {
    const { run } = await created({
      id: "t-human",
      listId: ROUTED_LIST,
      customer: "Cedar Stays",
      market: "Lisbon",
      assignees: [HUMAN, OLA],
      tags: ["urgent", "NEEDS CX ROUTING"],
    });
    expect(await run()).toMatchObject({ kind: "delivered" });
    expect(writes()).toEqual([]); // OLA is already assigned; the CX tag is already there (any case)
    expect(api.task("t-human")!.assignees.map((a) => a.id)).toEqual([HUMAN, OLA]);
    expect(api.task("t-human")!.tags.map((t) => t.name)).toEqual(["urgent", "needs cx routing"]);

    const { run: runFresh } = await created({
      id: "t-replay",
      listId: ROUTED_LIST,
      customer: "Acme Hotels",
      market: "Faro",
      assignees: [HUMAN],
    });
    expect(await runFresh()).toMatchObject({ kind: "delivered" });
    expect(writes()).toHaveLength(2);
    api.calls.splice(0);
    expect(await runFresh()).toMatchObject({ kind: "delivered" }); // a replay of a completed routing
    expect(api.calls.map((c) => c.method)).toEqual(["GET"]);
    expect(api.task("t-replay")!.assignees.map((a) => a.id)).toEqual([HUMAN, ANA]);
  });

  it.skipIf(skip)("after a partial failure, retries only the part that failed", async () => {
    const { run } = await created({ id: "t-partial", listId: ROUTED_LIST, customer: "Acme Hotels", market: "Faro" });
    api.failNext(1, { status: 503, headers: { "retry-after": "7" } }, { method: "POST" }); // GET and PUT pass, the tag fails
    const outcome = await run();
    expect(outcome).toMatchObject({
      kind: "retry",
      status: 503,
      retryAfterMs: 7000,
      errorClass: "clickup_unavailable",
    });
    expect(api.task("t-partial")!.assignees.map((a) => a.id)).toEqual([ANA]);

    api.calls.splice(0);
    expect(await run()).toMatchObject({ kind: "delivered" });
    expect(writes()).toEqual([["POST", `/api/v2/task/t-partial/tag/${NEEDS_OPS_ROUTING}`, {}]]);
    expect(api.task("t-partial")!.assignees.map((a) => a.id)).toEqual([ANA]);
  });

  it.skipIf(skip)("uses a task the payload carries with its custom fields, without reading it again", async () => {
    const { run } = await created(
      { id: "t-carried", listId: ROUTED_LIST, customer: "Blue Harbor", market: "Lisbon" },
      { carryTask: true },
    );
    expect(await run()).toMatchObject({ kind: "delivered" });
    expect(api.calls.map((c) => `${c.method} ${c.path}`)).toEqual(["PUT /api/v2/task/t-carried"]);
    expect(writes()).toEqual([["PUT", "/api/v2/task/t-carried", { assignees: { add: [BEN, OLA], rem: [] } }]]);
  });

  it.skipIf(skip)("does nothing for a task that has left the routed lists", async () => {
    const { run } = await created({ id: "t-moved", listId: OTHER_LIST, customer: "Acme Hotels", market: "Lisbon" });
    expect(await run()).toEqual({
      kind: "delivered",
      response: JSON.stringify({ routed: false, task_id: "t-moved", list_id: OTHER_LIST }),
    });
    expect(writes()).toEqual([]);
  });

  it.skipIf(skip).each([
    [
      "a 503 with Retry-After",
      { status: 503, headers: { "retry-after": "12" } },
      { kind: "retry", status: 503, retryAfterMs: 12_000, errorClass: "clickup_unavailable" },
    ],
    [
      "a 429 with ClickUp's rate-limit reset",
      { status: 429, headers: { "x-ratelimit-reset": "0" } },
      { kind: "retry", status: 429, retryAfterMs: 0, errorClass: "clickup_rate_limited" },
    ],
    ["a dropped connection", { reset: true as const }, { kind: "retry", errorClass: "clickup_unreachable" }],
    [
      "a 401",
      { status: 401, body: { err: "Token invalid", ECODE: "OAUTH_025" } },
      { kind: "dead", status: 401, errorClass: "clickup_unauthorized" },
    ],
    [
      "a 404",
      { status: 404, body: { err: "Task not found", ECODE: "ITEM_013" } },
      { kind: "dead", status: 404, errorClass: "clickup_not_found" },
    ],
  ])("maps %s to the right outcome", async (_, failure, expected) => {
    const { run } = await created({
      id: `t-fail-${++seq}`,
      listId: ROUTED_LIST,
      customer: "Acme Hotels",
      market: "Lisbon",
    });
    api.failNext(1, failure);
    const outcome = await run();
    expect(outcome).toMatchObject(expected);
    expect(outcome.kind !== "delivered" && outcome.error).toMatch(/GET \/task\//);
    expect(writes()).toEqual([]);
  });

  it.skipIf(skip)("names the token in a 401's error", async () => {
    const { run } = await created({ id: "t-401", listId: ROUTED_LIST, customer: "Acme Hotels", market: "Lisbon" });
    api.failNext(1, { status: 401, body: { err: "Token invalid", ECODE: "OAUTH_025" } });
    const outcome = await run();
    expect(outcome.kind === "dead" && outcome.error).toBe(
      "GET /task/t-401: 401, ClickUp refused CLICKUP_API_TOKEN (invalid, revoked, or without access to this workspace) (Token invalid, OAUTH_025)",
    );
  });
});
