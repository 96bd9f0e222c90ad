// What every answer carries, what webhook routes never do (CORS), and how a repeat of
// a signed request is answered (replay protection: the store's unique key decides).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { settled } from "../../lib/http/after.js";
import type { App } from "../../lib/app.js";
import { webhook } from "../../lib/routes/webhooks.js";
import { clickup } from "../../lib/providers/clickup.js";
import { endpointOf, testApp } from "../support/app.js";
import { fileStore, forgedRequest, SECRET, validRequest } from "../support/kvs.js";

let gateway: App;
let conflicts: App;
beforeAll(async () => {
  gateway = await testApp({ CLICKUP_WEBHOOK_SECRET: SECRET }, { store: await fileStore() });
  conflicts = await testApp({ CLICKUP_WEBHOOK_SECRET: SECRET, DUPLICATE_STATUS: "409" }, { store: await fileStore() });
});
afterAll(async () => {
  await settled();
  await gateway.close();
  await conflicts.close();
});

const fn = () => endpointOf(webhook(clickup), async () => gateway);

describe("every answer", () => {
  it.each([
    ["accepted", () => validRequest("198.51.100.30")],
    ["forged", () => forgedRequest("198.51.100.31")],
    ["wrong method", () => new Request("https://hooks.example.com/api/webhooks/clickup", { method: "GET" })],
  ])("carries the security headers (%s)", async (_, request) => {
    const response = await fn().fetch(request());
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(response.headers.get("x-request-id")).toBeTruthy();
  });

  it("webhook routes answer no CORS preflight and send no CORS headers", async () => {
    const preflight = await fn().fetch(
      new Request("https://hooks.example.com/api/webhooks/clickup", {
        method: "OPTIONS",
        headers: { origin: "https://evil.example", "access-control-request-method": "POST" },
      }),
    );
    expect(preflight.status).toBe(405);
    const accepted = await fn().fetch(validRequest("198.51.100.32", { headers: { origin: "https://evil.example" } }));
    for (const response of [preflight, accepted]) {
      expect([...response.headers.keys()].filter((name) => name.startsWith("access-control-"))).toEqual([]);
    }
  });
});

describe("replay protection", () => {
  it("acknowledges a replayed signed request as a duplicate (2xx) and records no second event", async () => {
    const request = validRequest("198.51.100.33");
    const replay = request.clone();
    const first = (await (await fn().fetch(request)).json()) as { id: string };
    const again = await fn().fetch(replay);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ id: first.id, duplicate: true });
  });

  it("DUPLICATE_STATUS=409 answers a replay 409, with the original event id", async () => {
    const request = validRequest("198.51.100.34");
    const replay = request.clone();
    const first = await endpointOf(webhook(clickup), async () => conflicts).fetch(request);
    expect(first.status).toBe(200);
    const { id } = (await first.json()) as { id: string };
    const again = await endpointOf(webhook(clickup), async () => conflicts).fetch(replay);
    expect(again.status).toBe(409);
    expect(await again.json()).toEqual({ id, duplicate: true });
  });
});

describe("operator tokens", () => {
  it("are required, compared whole, and close the route when unset", async () => {
    const { requireBearer } = await import("../../lib/http/auth.js");
    const token = "admin-token-0123456789abcdef";
    const call = (header?: string) =>
      new Request("https://x/api/admin/events", { headers: header ? { authorization: header } : {} });
    expect(() => requireBearer(call(`Bearer ${token}`), token, "ADMIN_TOKEN")).not.toThrow();
    for (const header of [undefined, "Bearer ", `Bearer ${token.slice(0, -1)}`, `Bearer ${token}x`, `Basic ${token}`]) {
      expect(() => requireBearer(call(header), token, "ADMIN_TOKEN")).toThrow(
        expect.objectContaining({ kind: "unauthorized" }),
      );
    }
    expect(() => requireBearer(call(`Bearer ${token}`), undefined, "ADMIN_TOKEN")).toThrow(
      expect.objectContaining({ kind: "not_configured" }),
    );
  });
});
