// The cron and admin routes as whole functions: bearer tokens, bad input answered 400
// (never 500), dead letters listed, one and many replayed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as deliveries from "../../lib/routes/deliveries.js";
import type { App } from "../../lib/app.js";
import { forward } from "../../lib/routing/define.js";
import { engine, receiver, SECRET, seedDue, type Receiver } from "../delivery/support.js";
import { endpointOf, testApp } from "../support/app.js";

const CRON_SECRET = "cron-secret-0123456789";
const ADMIN_TOKEN = "admin-token-0123456789";
const base = "https://hooks.example.com";

describe("operator routes", () => {
  let gateway: App;
  let target: Receiver;
  let gone = true;
  const gw = async () => gateway;
  const cron = endpointOf(deliveries.cronDeliver, gw);
  const deadLetters = endpointOf(deliveries.deadLetters, gw);
  const delivery = endpointOf(deliveries.delivery, gw);
  const replay = endpointOf(deliveries.replay, gw);
  const auth = (token: string) => ({ authorization: `Bearer ${token}` });
  const post = (body: unknown, token = ADMIN_TOKEN) =>
    replay.fetch(
      new Request(`${base}/api/admin/replay`, {
        method: "POST",
        headers: auth(token),
        body: typeof body === "string" ? body : JSON.stringify(body),
      }),
    );

  beforeAll(async () => {
    target = await receiver(() => (gone ? { status: 410 } : { status: 200 }));
    gateway = await testApp(
      { CRON_SECRET, ADMIN_TOKEN },
      {
        routes: {
          destinations: {
            a: forward({ url: target.url, secret: SECRET }),
            b: forward({ url: target.url, secret: SECRET }),
          },
          routes: [{ provider: "clickup", to: ["a", "b"] }],
        },
      },
    );
    await seedDue(gateway.store, ["a", "b"], 3);
  });
  afterAll(async () => {
    await gateway?.close();
    await target?.close();
  });

  it("the cron needs CRON_SECRET, then drains what is due", async () => {
    expect((await cron.fetch(new Request(`${base}/api/cron/deliver`))).status).toBe(401);
    expect((await cron.fetch(new Request(`${base}/api/cron/deliver`, { headers: auth(ADMIN_TOKEN) }))).status).toBe(
      401,
    );
    const response = await cron.fetch(new Request(`${base}/api/cron/deliver`, { headers: auth(CRON_SECRET) }));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ claimed: 6, dead: 6, stoppedBy: "idle" });
  });

  it("is closed when its token is not set", async () => {
    const closed = await testApp({}, { routes: { destinations: {}, routes: [] } });
    try {
      const response = await endpointOf(deliveries.deadLetters, async () => closed).fetch(
        new Request(`${base}/api/admin/dead-letters`, { headers: auth(ADMIN_TOKEN) }),
      );
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ error: "not_configured" });
    } finally {
      await closed.close();
    }
  });

  it("lists dead letters with filters and pages", async () => {
    const get = (query: string, token = ADMIN_TOKEN) =>
      deadLetters.fetch(new Request(`${base}/api/admin/dead-letters${query}`, { headers: auth(token) }));
    expect((await get("", CRON_SECRET)).status).toBe(401);
    const all = await (await get("")).json();
    expect(all.items).toHaveLength(6);
    const onlyA = await (await get("?destination=a&provider=clickup&type=taskCreated&limit=2")).json();
    expect(onlyA.items.map((i: { destination: string }) => i.destination)).toEqual(["a", "a"]);
    const next = await (await get(`?destination=a&limit=2&before=${onlyA.next_before_id}`)).json();
    expect(next.items).toHaveLength(1);
    expect(
      (await (await get(`?since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).json()).items,
    ).toHaveLength(0);
  });

  it.each([["?limit=0"], ["?limit=lots"], ["?since=yesterday"], ["?before=-1"], ["?colour=red"]])(
    "answers 400 to %s",
    async (query) => {
      const response = await deadLetters.fetch(
        new Request(`${base}/api/admin/dead-letters${query}`, { headers: auth(ADMIN_TOKEN) }),
      );
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: "bad_request" });
    },
  );

  it("shows one delivery with its attempt log", async () => {
    const response = await delivery.fetch(
      new Request(`${base}/api/admin/delivery?id=1`, { headers: auth(ADMIN_TOKEN) }),
    );
    expect(await response.json()).toMatchObject({
      id: 1,
      status: "dead",
      log: [{ attempt: 1, outcome: "dead", status: 410 }],
    });
    expect(
      (await delivery.fetch(new Request(`${base}/api/admin/delivery?id=999`, { headers: auth(ADMIN_TOKEN) }))).status,
    ).toBe(404);
    expect(
      (await delivery.fetch(new Request(`${base}/api/admin/delivery?id=abc`, { headers: auth(ADMIN_TOKEN) }))).status,
    ).toBe(400);
  });

  it.each([
    ["not json"],
    [{}],
    [{ id: 1, destination: "a" }],
    [{ id: "x" }],
    [{ destination: "a", extra: true }],
    [[1, 2]],
  ])("refuses the replay request %j with 400", async (body) => {
    expect((await post(body)).status).toBe(400);
  });

  it("replays one, then the rest of a destination after a dry run; the receiver gets each once more", async () => {
    gone = false;
    expect(await (await post({ id: 1 })).json()).toEqual({ dry_run: false, matched: 1, replayed: 1 });
    expect(await (await post({ id: 1 })).json()).toMatchObject({ matched: 0, status: "pending" });
    expect(await (await post({ destination: "a", dryRun: true })).json()).toEqual({
      dry_run: true,
      matched: 2,
      replayed: 0,
    });
    expect(await (await post({ destination: "a" })).json()).toMatchObject({ replayed: 2 });
    const before = target.requests.length;
    expect(await engine(gateway).drain()).toMatchObject({ delivered: 3 });
    const ids = target.requests.slice(before).map((r) => r.headers["webhook-id"]);
    expect(new Set(ids).size).toBe(3);
    expect(await (await post({ all: true, dryRun: true })).json()).toMatchObject({ matched: 3 });
  });
});
