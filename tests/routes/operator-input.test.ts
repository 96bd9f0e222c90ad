// Regression for the drill's "malformed admin parameters → 503": NUL bytes in text
// filters and dates outside what the database holds reached the store, which refused
// them, and the operator got a 503 to retry forever. Each is now a 400 naming the
// parameter, on PGlite and on real PostgreSQL when DATABASE_URL is set; the same
// values in range still answer 200 (the check is not a blanket refusal).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as deliveries from "../../lib/routes/deliveries.js";
import type { App } from "../../lib/app.js";
import type { Endpoint } from "../../lib/http/endpoint.js";
import * as admin from "../../lib/routes/admin.js";
import { endpointOf, testApp } from "../support/app.js";
import { routingTo, seedSql, targets, type Target } from "../operations/harness.js";

const ADMIN_TOKEN = "admin-token-0123456789abcdef";
const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
const cursorOf = (receivedAt: string) =>
  Buffer.from(JSON.stringify([receivedAt, "0f6e2b1c-9d8a-4c3b-8a7f-6e5d4c3b2a19"])).toString("base64url");

describe.each(targets)("operator input on $name", (factory) => {
  let target: Target;
  let gateway: App;
  const open = () => Promise.resolve(gateway);
  const get = (endpoint: Endpoint, path: string) =>
    endpoint.fetch(new Request(`http://gw.test/api/admin/${path}`, { headers: auth }));
  const replay = (body: unknown) =>
    endpointOf(deliveries.replay, open).fetch(
      new Request("http://gw.test/api/admin/replay", { method: "POST", headers: auth, body: JSON.stringify(body) }),
    );

  beforeAll(async () => {
    target = await factory.open();
    await target.exec(seedSql("now()"));
    gateway = await testApp({ ADMIN_TOKEN }, { store: target.store, routing: routingTo(["agent", "crm"]) });
  });
  afterAll(async () => {
    await gateway?.close(); // closes the store too (PGlite)
    await target?.close().catch(() => {}); // drops the PostgreSQL database
  });

  async function expect400(response: Response, parameter: string) {
    const body = (await response.json()) as { error: string; reason: string; message: string };
    expect(response.status, body.message).toBe(400);
    expect(body).toMatchObject({ error: "bad_request", reason: "invalid_parameters" });
    expect(body.message).toMatch(new RegExp(`(^|; )${parameter}: `));
  }

  const events = () => endpointOf(admin.events, open);
  const deadLetters = () => endpointOf(deliveries.deadLetters, open);

  it.each([
    ["dedup_key", "dedup_key=a%00b"],
    ["provider", "provider=stripe%00"],
    ["type", "type=%00"],
    ["provider", "provider=a%0Ab"],
    ["since", "since=0000-01-01"],
    ["since", "since=275760-09-13"],
    ["until", "until=1969-12-31T23:59:59Z"],
    ["since", "since=8640000000000000"],
    ["cursor", `cursor=${cursorOf("0000-01-01T00:00:00+00:00")}`],
    ["dedup_key", `dedup_key=${"k".repeat(5000)}`],
  ])("GET events: %s refused (%#)", async (parameter, query) => {
    await expect400(await get(events(), `events?${query}`), parameter);
  });

  it.each([
    ["destination", "destination=agent%00"],
    ["provider", "provider=%00"],
    ["type", "type=task%00Created"],
    ["since", "since=0000-01-01"],
    ["until", "until=275760-09-13"],
    ["before", "before=1e400"],
  ])("GET dead-letters: %s refused (%#)", async (parameter, query) => {
    await expect400(await get(deadLetters(), `dead-letters?${query}`), parameter);
  });

  it("GET routing: a NUL in task refused", async () => {
    await expect400(await get(endpointOf(admin.routing, open), "routing?task=86a1%00"), "task");
  });

  it("GET delivery: an id past the safe integers refused", async () => {
    await expect400(await get(endpointOf(deliveries.delivery, open), "delivery?id=99999999999999999999"), "id");
    await expect400(await get(endpointOf(admin.event, open), "event?id=%00"), "id");
  });

  it.each([
    ["since", { since: 8640000000000000 }],
    ["since", { since: "0000-01-01" }],
    ["until", { destination: "agent", until: "275760-09-13T00:00:00Z" }],
    ["destination", { destination: "agent\u0000" }],
    ["provider", { provider: "stripe\u0000" }],
    ["type", { type: "\u0000" }],
    ["type", { type: "\ud83d" }],
    ["limit", { all: true, limit: Infinity }],
    ["dryRun", { all: true, dryRun: "yes" }],
  ])("POST replay: %s refused (%#)", async (parameter, body) => {
    await expect400(await replay(body), parameter);
  });

  it("the same filters in range still answer", async () => {
    for (const path of [
      "events?since=1970-01-01&until=9999-12-31T23:59:59Z&provider=stripe&dedup_key=e1",
      `events?cursor=${cursorOf("2026-11-20T12:00:00.123456+00:00")}`,
    ]) {
      expect((await get(events(), path)).status, path).toBe(200);
    }
    expect((await get(deadLetters(), "dead-letters?since=1970-01-01&until=9999-12-31&destination=agent")).status).toBe(
      200,
    );
    const dry = await replay({ destination: "agent", since: "1970-01-01T00:00:00Z", dryRun: true });
    expect(dry.status).toBe(200);
  });
});
