// The admin API: bearer ADMIN_TOKEN on every route, events searched and paged with a
// cursor, one event with its deliveries and attempts, routing decisions, and bad input
// answered 400 naming the parameter.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Endpoint } from "../../lib/http/endpoint.js";
import type { App } from "../../lib/app.js";
import * as admin from "../../lib/routes/admin.js";
import { decodeCursor, encodeCursor } from "../../lib/routes/admin.js";
import { dashboard } from "../../lib/routes/dashboard.js";
import { endpointOf, testApp } from "../support/app.js";
import { routingTo, seedSql, targets, type Target } from "../operations/harness.js";

const ADMIN_TOKEN = "admin-token-0123456789abcdef";
const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };

let target: Target;
let gateway: App;
const open = () => Promise.resolve(gateway);

beforeAll(async () => {
  target = await targets[0]!.open();
  await target.exec(seedSql("now()"));
  gateway = await testApp({ ADMIN_TOKEN }, { store: target.store, routing: routingTo(["agent", "crm"]) });
});
afterAll(() => gateway.close());

const call = (endpoint: Endpoint, path: string, headers: Record<string, string> = auth) =>
  endpoint.fetch(new Request(`http://gw.test/api/admin/${path}`, { headers }));

describe("admin routes: who may call them", () => {
  const routes: [string, () => Endpoint, string][] = [
    ["events", () => endpointOf(admin.events, open), "events"],
    ["event", () => endpointOf(admin.event, open), "event?id=00000000-0000-4000-8000-000000000000"],
    ["routing", () => endpointOf(admin.routing, open), "routing?task=abc"],
    ["overview", () => endpointOf(admin.overviewRoute, open), "overview"],
    ["dashboard panel", () => endpointOf(dashboard, open), "dashboard?panel=1"],
  ];
  for (const [name, endpoint, path] of routes) {
    it(`${name}: 401 without a token and with a wrong one`, async () => {
      expect((await call(endpoint(), path, {})).status).toBe(401);
      const wrong = await call(endpoint(), path, { authorization: "Bearer not-the-admin-token-at-all" });
      expect(wrong.status).toBe(401);
      expect(wrong.headers.get("www-authenticate")).toBe("Bearer");
    });
    it(`${name}: 503 while ADMIN_TOKEN is not set`, async () => {
      const closed = await testApp({}, { store: target.store });
      const route = {
        events: admin.events,
        event: admin.event,
        routing: admin.routing,
        overview: admin.overviewRoute,
        "dashboard panel": dashboard,
      }[name]!;
      const response = await call(endpointOf(route, closed), path);
      expect(response.status).toBe(503);
      expect((await response.json()).message).toBe("ADMIN_TOKEN is not set; this route is closed");
    });
  }

  it("serves the dashboard page itself without a token: it holds no data", async () => {
    const response = await call(endpointOf(dashboard, open), "dashboard", {});
    expect(response.status).toBe(200);
    expect(response.headers.get("content-security-policy")).toMatch(/default-src 'none'; script-src 'nonce-[^']+'/);
    const html = await response.text();
    expect(html).not.toContain("stripe");
  });
});

describe("GET /api/admin/events", () => {
  it("lists events newest first, a page at a time, until the cursor runs out", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const response = await call(endpointOf(admin.events, open), `events?limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      expect(response.status).toBe(200);
      const page = (await response.json()) as { items: { dedup_key: string }[]; next_cursor: string | null };
      seen.push(...page.items.map((i) => i.dedup_key));
      cursor = page.next_cursor;
      pages++;
    } while (cursor);
    expect(seen).toEqual(["e1", "e2", "e6", "e3", "e4", "e5"]);
    expect(pages).toBe(3);
  });

  it("filters by provider, type, status, dedup key and time", async () => {
    const keys = async (query: string) => {
      const response = await call(endpointOf(admin.events, open), `events?${query}`);
      expect(response.status).toBe(200);
      return ((await response.json()) as { items: { dedup_key: string }[] }).items.map((i) => i.dedup_key);
    };
    expect(await keys("provider=github")).toEqual(["e3", "e4"]);
    expect(await keys("type=charge.succeeded")).toEqual(["e1", "e5"]);
    expect(await keys("status=dead")).toEqual(["e3"]);
    expect(await keys("status=pending")).toEqual(["e6"]);
    expect(await keys("status=none")).toEqual(["e4", "e5"]);
    expect(await keys("dedup_key=e2")).toEqual(["e2"]);
    const since = new Date(Date.now() - 60 * 60 * 1000).toISOString();
    expect(await keys(`since=${encodeURIComponent(since)}&provider=stripe`)).toEqual(["e1", "e2"]);
    const until = new Date(Date.now() - 24 * 60 * 60 * 1000).toISOString();
    expect(await keys(`until=${encodeURIComponent(until)}`)).toEqual(["e5"]);
  });

  it("filters by free text over the event id and the dedup key, and by arrival (accepted, duplicate)", async () => {
    const keys = async (query: string) => {
      const response = await call(endpointOf(admin.events, open), `events?${query}`);
      expect(response.status, query).toBe(200);
      return ((await response.json()) as { items: { id: string; dedup_key: string }[] }).items;
    };
    // The dedup keys found by `q`, leaving out events found only because their random id
    // happens to begin with it (e3 and e4 are hex: 1 id in 256 does).
    const byKey = async (query: string, q: string) => {
      const text = q.toLowerCase();
      return (await keys(`${query}q=${q}`))
        .filter((i) => i.dedup_key.includes(text) || !i.id.startsWith(text))
        .map((i) => i.dedup_key);
    };
    expect(await byKey("", "E3")).toEqual(["e3"]);
    // Plain text, not a pattern: % and _ match only themselves.
    expect(await keys("q=%25")).toEqual([]);
    expect(await keys("q=e_")).toEqual([]);
    const e6 = (await keys("dedup_key=e6"))[0]!;
    expect((await keys(`q=${e6.id.slice(0, 8).toUpperCase()}`)).map((i) => i.dedup_key)).toEqual(["e6"]);
    expect((await keys(`q=${e6.id}`)).map((i) => i.dedup_key)).toEqual(["e6"]);
    expect((await keys("status=duplicate")).map((i) => i.dedup_key)).toEqual(["e1"]);
    expect((await keys("status=accepted")).map((i) => i.dedup_key)).toEqual(["e2", "e6", "e3", "e4", "e5"]);
    expect(await byKey("status=accepted&provider=github&", "e4")).toEqual(["e4"]);
  });

  it("answers 400 naming the parameter for bad input, never 500", async () => {
    const bad: [string, string][] = [
      ["limit=0", "limit"],
      ["limit=abc", "limit"],
      ["limit=501", "limit"],
      ["status=lost", "status"],
      ["q=", "q"],
      ["q=%00", "q"],
      ["since=yesterday", "since"],
      ["until=2026-13-45T99:00:00Z", "until"],
      ["cursor=bm9wZQ", "cursor"],
      ["cursor=%00%ff", "cursor"],
      ["colour=blue", "colour"],
      ["provider=a&provider=b", "provider"],
    ];
    for (const [query, name] of bad) {
      const response = await call(endpointOf(admin.events, open), `events?${query}`);
      expect(response.status, query).toBe(400);
      expect((await response.json()).message, query).toContain(name);
    }
  });

  it("round-trips its cursors and refuses forged ones", () => {
    const cursor = { receivedAt: "2026-11-20T12:00:00.123456+00:00", id: "0f6e2b1c-9d8a-4c3b-8a7f-6e5d4c3b2a19" };
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
    expect(decodeCursor(Buffer.from('["x","y"]').toString("base64url"))).toBeNull();
    const forged = (time: string) => Buffer.from(JSON.stringify([time, cursor.id])).toString("base64url");
    expect(decodeCursor(forged("2026-13-45T00:00:00Z"))).toBeNull();
    expect(decodeCursor(forged("now"))).toBeNull();
    expect(decodeCursor(forged("2026-11-20T12:00:00Z; drop table x"))).toBeNull();
  });
});

describe("GET /api/admin/event", () => {
  it("shows the event, its deliveries and every attempt, oldest first", async () => {
    const list = (await (await call(endpointOf(admin.events, open), "events?dedup_key=e3")).json()) as {
      items: { id: string }[];
    };
    const response = await call(endpointOf(admin.event, open), `event?id=${list.items[0]!.id}`);
    expect(response.status).toBe(200);
    const event = await response.json();
    expect(event).toMatchObject({
      provider: "github",
      event_type: "push",
      dedup_key: "e3",
      ack_ms: 120,
      body_bytes: 10,
    });
    expect(Buffer.from(event.body_base64, "base64").toString()).toBe('{"k":"e3"}');
    expect(event.deliveries).toHaveLength(1);
    expect(event.deliveries[0]).toMatchObject({ destination: "crm", status: "dead", attempts: 2 });
    expect(event.deliveries[0].log.map((a: { outcome: string; status: number }) => [a.outcome, a.status])).toEqual([
      ["retry", 500],
      ["dead", 500],
    ]);
  });

  it("answers 404 for an unknown event and 400 for a malformed id", async () => {
    expect((await call(endpointOf(admin.event, open), "event?id=00000000-0000-4000-8000-000000000000")).status).toBe(
      404,
    );
    const bad = await call(endpointOf(admin.event, open), "event?id=42");
    expect(bad.status).toBe(400);
    expect((await bad.json()).message).toContain("id");
    expect((await call(endpointOf(admin.event, open), "event")).status).toBe(400);
  });
});

describe("GET /api/admin/routing", () => {
  it("shows the decision recorded for a ClickUp task", async () => {
    await target.exec(`
      insert into hookgate.events (source, provider, dedup_key, event_type, verified, raw_body)
      values ('clickup', 'clickup', 'task-86a1', 'taskCreated', true, '\\x7b7d');
      insert into hookgate.clickup_routing_decisions (event_id, task_id, list_id, customer, market, assignees, tags, reasons, attempt)
      select id, '86a1', '901', 'Acme', 'Lisbon', '[42]', '[]', '[{"rule":"cx","branch":"owner"}]', 1
        from hookgate.events where dedup_key = 'task-86a1';`);
    const response = await call(endpointOf(admin.routing, open), "routing?task=86a1");
    expect(response.status).toBe(200);
    const { decisions } = await response.json();
    expect(decisions).toHaveLength(1);
    expect(decisions[0]).toMatchObject({ task_id: "86a1", customer: "Acme", market: "Lisbon", assignees: [42] });
    expect((await call(endpointOf(admin.routing, open), "routing")).status).toBe(400);
    expect((await call(endpointOf(admin.routing, open), "routing?event=nope")).status).toBe(400);
  });
});
