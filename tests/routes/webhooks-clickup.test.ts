// Whole-function tests: the routes the deployed api/ files serve, called as Vercel calls
// them, on a test app (tests/scripts/serve.test.ts runs the api/ files themselves).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../lib/app.js";
import { clickup } from "../../lib/providers/clickup.js";
import { health as healthRoute } from "../../lib/routes/health.js";
import { ready as readyRoute } from "../../lib/routes/ready.js";
import { webhook } from "../../lib/routes/webhooks.js";
import { StoreError, type Rpc } from "../../lib/store/port.js";
import { createStore } from "../../lib/store/store.js";
import type { PGlite } from "@electric-sql/pglite";
import { endpointOf, memoryDatabase, testApp } from "../support/app.js";
import { sample, signedRequest, TEST_URL_BASE } from "../support/requests.js";

/** The app the functions below are served by: `gateway` unless a test swaps in another. */
let current: App;
const clickupFunction = endpointOf(webhook(clickup), async () => current);
const ready = endpointOf(readyRoute, async () => current);

const secret = "clickup-secret";
const taskCreated = sample("clickup", "taskCreated.json");
const send = (overrides: Partial<Parameters<typeof signedRequest>[1]> = {}) =>
  clickupFunction.fetch(signedRequest(clickup, { secret, body: taskCreated, ...overrides }));

let gateway: App;
let db: PGlite;
beforeAll(async () => {
  const memory = await memoryDatabase();
  db = memory.db;
  gateway = await testApp(
    {
      CLICKUP_WEBHOOK_SECRET: `retired-secret,${secret}`,
      HOOKGATE_BODY_LIMIT_BYTES: "4096",
    },
    { store: memory.store },
  );
  current = gateway;
});
afterAll(async () => {
  await gateway.close();
});

async function storedEvents(): Promise<{ count: number }> {
  const { rows } = await db.query<{ count: number }>("select count(*)::int as count from hookgate.events");
  return rows[0]!;
}

describe("POST /api/webhooks/clickup", () => {
  it("accepts a signed event, then acknowledges its repeat as a duplicate", async () => {
    const before = (await storedEvents()).count;
    const first = await send();
    expect(first.status).toBe(200);
    const accepted = (await first.json()) as { id: string; duplicate: boolean };
    expect(accepted.duplicate).toBe(false);
    expect(accepted.id).toMatch(/^[0-9a-f-]{36}$/);

    const again = await send();
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ id: accepted.id, duplicate: true });
    expect((await storedEvents()).count).toBe(before + 1);
  });

  it("stores the raw body byte for byte, with type, dedup key and kept headers", async () => {
    const body = taskCreated.replace("86b2x7k4q", "raw-body-check").replace("2800763136717140857", "1");
    const response = await send({ body });
    const { id } = (await response.json()) as { id: string };
    const { rows } = await db.query<Record<string, unknown>>(
      "select convert_from(raw_body, 'UTF8') as body, event_type, dedup_key, verified, headers, payload->>'task_id' as task from hookgate.events where id = $1",
      [id],
    );
    expect(rows[0]).toMatchObject({
      body,
      event_type: "taskCreated",
      dedup_key: "7fa3ec74-69a8-4530-a251-8a13730bd204:taskCreated:1,2800763136700363640",
      verified: true,
      task: "raw-body-check",
      headers: { "content-type": "application/json" },
    });
    expect(JSON.stringify(rows[0]!.headers)).not.toContain("x-signature");
  });

  it("verifies with any configured secret (rotation)", async () => {
    const response = await send({ secret: "retired-secret", body: taskCreated.replace("86b2x7k4q", "rotated") });
    expect(response.status).toBe(200);
  });

  it.each([
    ["no signature", { headers: { "x-signature": null } }, "missing_signature"],
    ["a non-hex signature", { headers: { "x-signature": "zz".repeat(32) } }, "malformed_signature"],
    ["a truncated signature", { headers: { "x-signature": "ab12" } }, "bad_signature"],
    ["the wrong secret", { secret: "not-the-secret" }, "bad_signature"],
  ] as const)("answers 401 to %s", async (_, overrides, reason) => {
    const response = await send(overrides);
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: "unauthorized", reason });
  });

  it("answers 401 when a body byte changed after signing", async () => {
    const request = signedRequest(clickup, { secret, body: taskCreated });
    const tampered = new Request(request.url, {
      method: "POST",
      headers: request.headers,
      body: taskCreated.replace("taskCreated", "taskDeleted"),
    });
    expect((await clickupFunction.fetch(tampered)).status).toBe(401);
  });

  it.each([
    ["an empty body", ""],
    ["a body that is not JSON", "not json at all"],
    ["JSON without the fields ClickUp sends", JSON.stringify({ hello: "world" })],
    ["invalid UTF-8", new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])],
  ])("answers 400 to a signed request with %s", async (_, body) => {
    const response = await send({ body });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: "bad_request", reason: "malformed" });
  });

  it("answers 413 to a body over the limit, declared or not", async () => {
    const big = JSON.stringify({ event: "taskCreated", webhook_id: "w", pad: "x".repeat(5000) });
    expect((await send({ body: big })).status).toBe(413);
    const undeclared = new Request(`${TEST_URL_BASE}/api/webhooks/clickup`, {
      method: "POST",
      headers: clickup.sign({ body: Buffer.from(big), secret, url: "", now: new Date() }),
      body: new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode(big));
          controller.close();
        },
      }),
      duplex: "half",
    } as RequestInit);
    expect(undeclared.headers.get("content-length")).toBeNull();
    expect((await clickupFunction.fetch(undeclared)).status).toBe(413);
  });

  it.each(["GET", "PUT", "DELETE"])("answers 405 with Allow to %s", async (method) => {
    const response = await send({ method });
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("POST");
  });

  it("stores a payload jsonb cannot hold (a NUL escape) as raw body only, not as an error", async () => {
    const body = JSON.stringify({ event: "taskCreated", webhook_id: "w-nul", task_id: "t\u0000x" });
    const response = await send({ body });
    expect(response.status).toBe(200);
  });

  it("sets security headers and a request id on every answer", async () => {
    const response = await send({ headers: { "x-signature": null } });
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.get("x-request-id")).toBeTruthy();
  });
});

describe("when the gateway cannot serve", () => {
  it("answers 503 not_configured when the provider has no secret", async () => {
    const unconfigured = await testApp({}, { store: gateway.store });
    current = unconfigured;
    try {
      const response = await send();
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ error: "not_configured" });
    } finally {
      current = gateway; // the store is shared with the main gateway: closed with it
    }
  });

  it("answers 503 with Retry-After when the store is unreachable, and never 2xx", async () => {
    const unreachable: Rpc = {
      transport: "postgres",
      call: async () => {
        throw new StoreError("connect ECONNREFUSED 127.0.0.1:1", true);
      },
      close: async () => {},
    };
    const down = await testApp({ CLICKUP_WEBHOOK_SECRET: secret }, { store: createStore(unreachable) });
    current = down;
    try {
      const response = await send();
      expect(response.status).toBe(503);
      expect(response.headers.get("retry-after")).toBe("30");
      expect(await response.json()).toMatchObject({ error: "unavailable", reason: "store_unavailable" });
    } finally {
      current = gateway;
    }
  });
});

describe("health and readiness", () => {
  it("GET /api/health answers without touching anything", async () => {
    // No app at all: health must not need one.
    const health = endpointOf(healthRoute, async () => {
      throw new Error("health opened the app");
    });
    const response = await health.fetch(new Request(`${TEST_URL_BASE}/api/health`));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
  });

  it("GET /api/ready reports transports and configured providers, never a secret", async () => {
    const response = await ready.fetch(new Request(`${TEST_URL_BASE}/api/ready`));
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      ready: true,
      store: { transport: "pglite", ok: true },
      kv: { transport: "memory", ok: true },
      providers: { clickup: "configured" },
    });
    expect(JSON.stringify(body)).not.toContain(secret);
  });

  it("counts a provider allowed to accept unsigned requests as configured", async () => {
    const unsigned = await testApp({ CHATWOOT_ALLOW_UNSIGNED: "true" }, { store: gateway.store });
    current = unsigned;
    try {
      const body = (await (await ready.fetch(new Request(`${TEST_URL_BASE}/api/ready`))).json()) as {
        providers: Record<string, string>;
      };
      expect(body.providers.chatwoot).toBe("configured (unsigned allowed)");
      expect(body.providers.stripe).toBe("not configured");
    } finally {
      current = gateway;
    }
  });
});
