// Retry now (POST /api/admin/retry) as a whole function, on PGlite and on real
// PostgreSQL: a scheduled retry becomes due at once and the next drain attempts it;
// in-flight, delivered and dead deliveries are refused with a message that says why
// and what to do; an unknown id is a 404; bad bodies are a 400 naming the parameter.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../lib/app.js";
import { breakerKeys } from "../../lib/delivery/breaker.js";
import * as deliveries from "../../lib/routes/deliveries.js";
import { forward } from "../../lib/routing/define.js";
import { engine, receiver, SECRET, seedDue, type Receiver } from "../delivery/support.js";
import { targets, type Target } from "../operations/harness.js";
import { endpointOf, testApp } from "../support/app.js";

const ADMIN_TOKEN = "admin-token-for-retry-0123456789";

describe.each(targets)("retry now on $name", (factory) => {
  let target: Target;
  let gateway: App;
  let flaky: Receiver;
  let gone: Receiver;
  let healthy = false;

  const retry = () => endpointOf(deliveries.retry, gateway);
  const post = (body: unknown, token = ADMIN_TOKEN) =>
    retry().fetch(
      new Request("http://gw.test/api/admin/retry", {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: typeof body === "string" ? body : JSON.stringify(body),
      }),
    );
  const row = (id: number) =>
    target.one<{ status: string; next_attempt_at: Date; lease_until: Date | null; attempts: number }>(
      `select status, next_attempt_at, lease_until, attempts from hookgate.deliveries where id = ${id}`,
    );
  const idOf = async (eventId: string) =>
    Number((await target.one<{ id: string }>(`select id from hookgate.deliveries where event_id = '${eventId}'`)).id);

  beforeAll(async () => {
    target = await factory.open();
    flaky = await receiver(() => (healthy ? { status: 200 } : { status: 503 }));
    gone = await receiver(() => ({ status: 410 }));
    gateway = await testApp(
      { ADMIN_TOKEN },
      {
        store: target.store,
        routes: {
          destinations: {
            flaky: forward({ url: flaky.url, secret: SECRET }),
            gone: forward({ url: gone.url, secret: SECRET }),
          },
          routes: [{ provider: "clickup", to: ["flaky"] }],
        },
      },
    );
  }, 60_000);
  afterAll(async () => {
    await gateway?.close();
    // The app closed the store already (PGlite then refuses a second close); Postgres drops its database here.
    await target?.close().catch(() => undefined);
    await flaky?.close();
    await gone?.close();
  });

  it("makes a scheduled retry due at once, and the next drain attempts and delivers it", async () => {
    const [eventId] = await seedDue(gateway.store, ["flaky"], 1);
    const id = await idOf(eventId!);
    expect(await engine(gateway).drain()).toMatchObject({ claimed: 1, retried: 1 });
    const scheduled = await row(id);
    expect(scheduled.status).toBe("pending");
    expect(new Date(scheduled.next_attempt_at).getTime()).toBeGreaterThan(Date.now());
    // Not due: a drain now leaves it alone.
    expect(await engine(gateway).drain()).toMatchObject({ claimed: 0 });

    healthy = true;
    const before = flaky.requests.length;
    const response = await post({ id });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      dry_run: false,
      matched: 1,
      retried: 1,
      status: "pending",
      breaker: "closed",
      message: `delivery ${id} is due now: the next drain attempts it`,
    });
    expect(new Date((await row(id)).next_attempt_at).getTime()).toBeLessThanOrEqual(Date.now());

    expect(await engine(gateway).drain()).toMatchObject({ claimed: 1, delivered: 1 });
    expect(flaky.requests.length).toBe(before + 1);
    expect(await row(id)).toMatchObject({ status: "delivered", attempts: 2 });
  });

  it("refuses a delivered one and a dead one, saying why and what to do", async () => {
    const [delivered] = await seedDue(gateway.store, ["flaky"], 1);
    const [dead] = await seedDue(gateway.store, ["gone"], 1);
    await engine(gateway).drain();
    const deliveredId = await idOf(delivered!);
    const deadId = await idOf(dead!);
    expect((await row(deliveredId)).status).toBe("delivered");
    expect((await row(deadId)).status).toBe("dead");

    const onDelivered = await post({ id: deliveredId });
    expect(onDelivered.status).toBe(200);
    expect(await onDelivered.json()).toEqual({
      dry_run: false,
      matched: 0,
      retried: 0,
      status: "delivered",
      message: `delivery ${deliveredId} is delivered, not pending: nothing to retry (replay sends a dead one again)`,
    });
    expect(await (await post({ id: deadId })).json()).toMatchObject({
      retried: 0,
      status: "dead",
      message: `delivery ${deadId} is dead, not pending: replay it (POST /api/admin/replay) to try again`,
    });
    expect((await row(deadId)).status).toBe("dead");
  });

  it("leaves an in-flight delivery and its worker's lease untouched", async () => {
    const { event_id } = await gateway.store.events.ingest({
      source: "clickup",
      provider: "clickup",
      dedupKey: `in-flight-${Math.random()}`,
      type: "taskCreated",
      verified: true,
      body: new TextEncoder().encode("{}"),
      payload: {},
      headers: {},
      destinations: ["flaky"],
      leaseSeconds: 120,
    });
    const id = await idOf(event_id);
    const leased = await row(id);
    expect(await (await post({ id })).json()).toMatchObject({
      retried: 0,
      status: "in_flight",
      message: `delivery ${id} is being attempted now (in flight): that attempt's outcome decides the next one`,
    });
    expect(await row(id)).toEqual(leased);
  });

  it("still goes through the breaker: due now, but an open breaker defers it without an attempt", async () => {
    healthy = true;
    const [eventId] = await seedDue(gateway.store, ["flaky"], 1);
    const id = await idOf(eventId!);
    const probeAt = new Date(Date.now() + 10 * 60_000);
    const open = breakerKeys("flaky").open;
    await gateway.kv.set(open, String(probeAt.getTime()));
    try {
      expect(await (await post({ id })).json()).toMatchObject({
        retried: 1,
        breaker: "open",
        message: `delivery ${id} is due now, but the breaker of flaky is open: the next drain defers it until ${probeAt.toISOString()}`,
      });
      const before = flaky.requests.length;
      expect(await engine(gateway, { breakerPrefix: "hookgate:" }).drain()).toMatchObject({ claimed: 1, deferred: 1 });
      expect(flaky.requests.length).toBe(before);
      expect(await row(id)).toMatchObject({ status: "pending", attempts: 0 });
    } finally {
      await gateway.kv.del(open);
    }
    expect(await (await post({ id })).json()).toMatchObject({ retried: 1, breaker: "closed" });
    expect(await engine(gateway).drain()).toMatchObject({ delivered: 1 });
  });

  it("answers 404 for an unknown id", async () => {
    const response = await post({ id: 987654321 });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: "not_found", message: "no delivery 987654321" });
  });

  it("retries by filter after a dry-run count, pending ones only", async () => {
    healthy = false;
    await seedDue(gateway.store, ["flaky"], 3);
    await engine(gateway).drain();
    expect(await (await post({ destination: "flaky", dryRun: true })).json()).toEqual({
      dry_run: true,
      matched: 3,
      retried: 0,
    });
    expect(await (await post({ destination: "gone" })).json()).toEqual({ dry_run: false, matched: 0, retried: 0 });
    expect(await (await post({ destination: "flaky", limit: 2 })).json()).toMatchObject({ retried: 2 });
    expect(await (await post({ all: true })).json()).toMatchObject({ retried: 3 });
    expect(await engine(gateway).drain()).toMatchObject({ claimed: 3 });
  });

  it.each([
    ["not json", "invalid_json"],
    [{}, "give an id"],
    [{ id: 1, destination: "flaky" }, "either id or filters"],
    [{ id: "x" }, "id: must be a delivery id"],
    [{ id: 0 }, "id: must be a delivery id"],
    [{ destination: "flaky", colour: "red" }, "colour: not a parameter"],
    [{ since: "yesterday" }, "since: must be an ISO 8601"],
    [{ all: "yes" }, "all: must be true or false"],
  ])("refuses the body %j with 400 naming the problem", async (body, problem) => {
    const response = await post(body);
    expect(response.status).toBe(400);
    const answer = (await response.json()) as { reason: string; message: string };
    expect(`${answer.reason} ${answer.message}`).toContain(problem);
  });

  it("needs ADMIN_TOKEN", async () => {
    expect((await post({ id: 1 }, "not-the-admin-token-at-all")).status).toBe(401);
  });
});
