// End to end: signed ClickUp webhooks in through the deployed function
// (api/webhooks/clickup.ts), routed by hookgate.routes.ts, attempted by the delivery
// engine, out to a real local HTTP server speaking the ClickUp API. On PGlite, and on
// real PostgreSQL when DATABASE_URL is set. Time moves by an injected clock, never by
// waiting.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_SCHEDULE_MS } from "../../../lib/routing/policy.js";
import { webhook } from "../../../lib/routes/webhooks.js";
import { settled } from "../../../lib/http/after.js";
import { clickup } from "../../../lib/providers/clickup.js";
import { NEEDS_CX_ROUTING, NEEDS_OPS_ROUTING } from "../../../lib/destinations/clickup/rules.js";
import { startFakeClickUp, type FakeClickUp, type SeedTask } from "../../support/clickup-api.js";
import { endpointOf } from "../../support/app.js";
import { sample, signedRequest } from "../../support/requests.js";
import { engine as engineOf } from "../../delivery/support.js";
import { openHarness, OTHER_LIST, ROUTED_LIST, routingEnv, STORES, WEBHOOK_SECRET, type Harness } from "./harness.js";

const ANA = 81234567; // CX owner of Acme Hotels (VIP)
const OLA = 81234570; // Ops owner of Lisbon
const PIA = 81234571; // Ops owner of Porto
const HOUR = 3_600_000;

const DIRECTORY = `
  insert into hookgate.clickup_customers (name, vip, cx_owner_id) values ('Acme Hotels', true, ${ANA});
  insert into hookgate.clickup_markets (name, ops_owner_id) values ('Lisbon', ${OLA}), ('Porto', ${PIA});`;

describe.each(STORES)("ClickUp routing end to end on $name", ({ name, skip }) => {
  let api: FakeClickUp;
  let h: Harness;
  let n = 0;

  beforeAll(async () => {
    if (skip) return;
    api = await startFakeClickUp();
    h = await openHarness(name, routingEnv(api));
    await h.sql(DIRECTORY);
  });
  afterAll(async () => {
    await h?.close();
    await api?.close();
  });
  beforeEach(() => {
    api?.up();
    api?.calls.splice(0);
    api?.takeEchoes();
  });

  /** POSTs a webhook body, signed as ClickUp signs it, and waits for the work done after the answer. */
  async function send(payload: unknown): Promise<{ id: string; duplicate: boolean }> {
    const response = await endpointOf(webhook(clickup), h.gateway).fetch(
      signedRequest(clickup, { secret: WEBHOOK_SECRET, body: JSON.stringify(payload) }),
    );
    expect(response.status).toBe(200);
    const answer = (await response.json()) as { id: string; duplicate: boolean };
    await settled();
    return answer;
  }

  /** The sample taskCreated, for a new task the fake ClickUp holds. */
  function taskCreated(task: Omit<SeedTask, "id" | "listId"> & { listId?: string }) {
    const id = `e2e-${name}-${++n}`;
    api.addTask({ id, listId: ROUTED_LIST, ...task });
    const payload = JSON.parse(sample("clickup", "taskCreated.json")) as {
      task_id: string;
      history_items: { id: string; parent_id: string }[];
    };
    payload.task_id = id;
    for (const item of payload.history_items) {
      item.id = `${item.id}-${id}`;
      item.parent_id = task.listId ?? ROUTED_LIST;
    }
    return { id, payload };
  }

  /** ClickUp's taskMoved (samples/clickup/taskMoved.json) for a task the fake ClickUp holds in `to`. */
  function taskMoved(task: Omit<SeedTask, "id" | "listId">, from: string, to: string) {
    const id = `e2e-${name}-${++n}`;
    api.addTask({ id, listId: to, ...task });
    const payload = JSON.parse(sample("clickup", "taskMoved.json")) as {
      task_id: string;
      history_items: { id: string; parent_id: string; before: { id: string }; after: { id: string } }[];
    };
    payload.task_id = id;
    for (const item of payload.history_items) {
      item.id = `${item.id}-${id}`;
      item.parent_id = to;
      item.before.id = from;
      item.after.id = to;
    }
    return { id, payload };
  }

  async function deliveriesOf(eventId: string) {
    return h.query<{ id: string | number; destination: string; status: string }>(
      `select id, destination, status from hookgate.deliveries where event_id = '${eventId}' order by id`,
    );
  }

  const writes = () => api.writes().map((c) => [c.method, c.path, c.body]);

  it.skipIf(skip)("signed taskCreated in → the right ClickUp API calls out, and the decision on record", async () => {
    const { id, payload } = taskCreated({ customer: "Acme Hotels", market: "Lisbon" });
    const answer = await send(payload);

    expect(api.calls.map((c) => `${c.method} ${c.path} ${c.status}`)).toEqual([
      `GET /api/v2/task/${id} 200`,
      `PUT /api/v2/task/${id} 200`,
    ]);
    expect(writes()).toEqual([["PUT", `/api/v2/task/${id}`, { assignees: { add: [ANA, OLA], rem: [] } }]]);
    expect(await deliveriesOf(answer.id)).toMatchObject([{ destination: "clickup-router", status: "delivered" }]);
    const [decision] = await h.gateway.store.clickup.routingDecisions({ taskId: id });
    expect(decision).toMatchObject({
      event_id: answer.id,
      assignees: [ANA, OLA],
      tags: [],
      delivery_status: "delivered",
    });
    expect(decision!.reasons.map((r) => r.text)).toEqual([
      'VIP customer "Acme Hotels": its CX owner',
      'market "Lisbon": its primary Ops owner',
    ]);
  });

  it.skipIf(skip)("a ticket neither rule can place is tagged for both teams", async () => {
    const { id, payload } = taskCreated({ customer: "Unknown Co", market: null });
    await send(payload);
    expect(writes()).toEqual([
      ["POST", `/api/v2/task/${id}/tag/${NEEDS_CX_ROUTING}`, {}],
      ["POST", `/api/v2/task/${id}/tag/${NEEDS_OPS_ROUTING}`, {}],
    ]);
  });

  it.skipIf(skip)("a task in a list that is not routed is recorded, with no delivery and no API call", async () => {
    const { payload } = taskCreated({ customer: "Acme Hotels", market: "Lisbon", listId: OTHER_LIST });
    const answer = await send(payload);
    expect(answer.duplicate).toBe(false);
    expect(await deliveriesOf(answer.id)).toEqual([]);
    expect(api.calls).toEqual([]);
  });

  it.skipIf(skip)(
    "ClickUp API down → retried on the schedule, then dead-lettered, then replayed successfully",
    async () => {
      api.down({ status: 503, body: { err: "Service unavailable", ECODE: "FAKE_503" } });
      const { id, payload } = taskCreated({ customer: "Acme Hotels", market: "Porto" });
      const answer = await send(payload); // the attempt right after the answer fails
      const [delivery] = await deliveriesOf(answer.id);
      const deliveryId = Number(delivery!.id);

      let now = Date.now();
      // The breaker of the app's own engine, which made the attempt right after the answer.
      const engine = engineOf(h.gateway, { clock: () => new Date(now), breakerPrefix: "hookgate:" });
      for (let round = 0; round < 2 * DEFAULT_SCHEDULE_MS.length; round++) {
        if ((await engine.store.get(deliveryId))!.status === "dead") break;
        now += 11 * HOUR; // past the longest gap of the schedule and any breaker cooldown
        await engine.drain();
      }
      const dead = (await engine.store.get(deliveryId))!;
      expect(dead).toMatchObject({ status: "dead", attempts: DEFAULT_SCHEDULE_MS.length, last_status: 503 });
      expect(dead.last_error).toContain("ClickUp answered 503 (Service unavailable, FAKE_503)");
      const log = [...dead.log].sort((a, b) => a.attempt - b.attempt);
      expect(log.map((l) => l.outcome)).toEqual([
        ...Array<string>(DEFAULT_SCHEDULE_MS.length - 1).fill("retry"),
        "dead",
      ]);
      expect(api.calls.filter((c) => c.method === "GET")).toHaveLength(DEFAULT_SCHEDULE_MS.length);
      expect(writes()).toEqual([]); // it never got as far as changing anything
      const deadLetters = await engine.store.listDeadLetters({ destination: "clickup-router" });
      expect(deadLetters.items.map((d) => d.id)).toContain(deliveryId);

      api.up();
      expect(await engine.store.replay({ id: deliveryId }, { now: new Date(now) })).toMatchObject({ replayed: 1 });
      await engine.drain(); // the breaker opened during the outage: the replay waits for its cooldown...
      expect((await engine.store.get(deliveryId))!.status).toBe("pending");
      now += HOUR;
      await engine.drain(); // ...then goes through as the probe that closes it
      expect((await engine.store.get(deliveryId))!.status).toBe("delivered");
      expect(writes()).toEqual([["PUT", `/api/v2/task/${id}`, { assignees: { add: [ANA, PIA], rem: [] } }]]);
      expect(api.task(id)!.assignees.map((a) => a.id)).toEqual([ANA, PIA]);

      // A second replay of the completed routing changes nothing.
      await engine.store.replay({ id: deliveryId }, { now: new Date(now) });
      await engine.drain();
      expect(writes()).toHaveLength(1);
    },
  );

  it.skipIf(skip)(
    "loop safety: the webhooks ClickUp sends after hookgate's own changes start no second round",
    async () => {
      const assigned = taskCreated({ customer: "Acme Hotels", market: "Lisbon" }); // → two assignees
      await send(assigned.payload);
      const tagged = taskCreated({ customer: null, market: null }); // → two tags
      await send(tagged.payload);
      expect(writes()).toHaveLength(3);

      const echoes = api.takeEchoes();
      // per assignee and per tag: taskAssigneeUpdated / taskTagUpdated, and taskUpdated
      expect(echoes.map((e) => (e as { event: string }).event).sort()).toEqual(
        [
          ...Array<string>(4).fill("taskUpdated"),
          "taskAssigneeUpdated",
          "taskAssigneeUpdated",
          "taskTagUpdated",
          "taskTagUpdated",
        ].sort(),
      );
      const callsBefore = api.calls.length;
      for (const echo of echoes) {
        const answer = await send(echo);
        expect(answer.duplicate).toBe(false); // recorded...
        expect(await deliveriesOf(answer.id)).toEqual([]); // ...and routed nowhere
      }
      expect(api.calls.length).toBe(callsBefore); // not even a read
      expect(api.takeEchoes()).toEqual([]);
    },
  );

  it.skipIf(skip)(
    "a person setting the Market later routes the Ops rule again, and leaves the CX assignment as people left it",
    async () => {
      const { id, payload } = taskCreated({ customer: "Acme Hotels", market: null });
      await send(payload);
      expect(writes()).toEqual([
        ["PUT", `/api/v2/task/${id}`, { assignees: { add: [ANA], rem: [] } }],
        ["POST", `/api/v2/task/${id}/tag/${NEEDS_OPS_ROUTING}`, {}],
      ]);
      api.calls.splice(0);
      // Someone takes Ana off the ticket in ClickUp, then sets its market.
      api.task(id)!.assignees = [];
      await send(api.humanSetsMarket(id, "Porto"));

      // Only the Ops rule applies: Ana is not put back, and the tag stays (nothing is removed).
      expect(writes()).toEqual([["PUT", `/api/v2/task/${id}`, { assignees: { add: [PIA], rem: [] } }]]);
      expect(api.task(id)!.assignees.map((a) => a.id)).toEqual([PIA]);
      const [latest] = await h.gateway.store.clickup.routingDecisions({ taskId: id });
      expect(latest).toMatchObject({ event_type: "taskUpdated", market: "Porto", assignees: [PIA], tags: [] });
      expect(latest!.reasons.map((r) => [r.rule, r.branch, r.applied])).toEqual([
        ["cx", "vip_customer_owner", false],
        ["ops", "market_owner", true],
      ]);
    },
  );

  it.skipIf(skip)("taskMoved into a routed list is routed like a new ticket", async () => {
    const { id, payload } = taskMoved({ customer: "Acme Hotels", market: "Porto" }, OTHER_LIST, ROUTED_LIST);
    const answer = await send(payload);
    expect(api.calls.map((c) => `${c.method} ${c.path} ${c.status}`)).toEqual([
      `GET /api/v2/task/${id} 200`,
      `PUT /api/v2/task/${id} 200`,
    ]);
    expect(writes()).toEqual([["PUT", `/api/v2/task/${id}`, { assignees: { add: [ANA, PIA], rem: [] } }]]);
    expect(await deliveriesOf(answer.id)).toMatchObject([{ destination: "clickup-router", status: "delivered" }]);
    const [decision] = await h.gateway.store.clickup.routingDecisions({ taskId: id });
    expect(decision).toMatchObject({
      event_id: answer.id,
      event_type: "taskMoved",
      list_id: ROUTED_LIST,
      assignees: [ANA, PIA],
    });
  });

  it.skipIf(skip)("taskMoved out of a routed list, or between routed lists, is recorded and not routed", async () => {
    const out = taskMoved({ customer: "Acme Hotels", market: "Lisbon" }, ROUTED_LIST, OTHER_LIST);
    const between = taskMoved({ customer: "Acme Hotels", market: "Lisbon" }, "777", ROUTED_LIST);
    for (const { payload } of [out, between]) {
      const answer = await send(payload);
      expect(answer.duplicate).toBe(false);
      expect(await deliveriesOf(answer.id)).toEqual([]);
    }
    expect(api.calls).toEqual([]);
  });
});
