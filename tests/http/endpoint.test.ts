// The endpoint frame's pieces, in their order: method → services (opened only when
// asked for) → bearer → query → JSON body → handler; and what it reads from the
// services: the tokens, whether x-vercel-id may name the request, the error reporter.
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { settled } from "../../lib/http/after.js";
import { endpoint, type FrameServices } from "../../lib/http/endpoint.js";

const TOKEN = "admin-token-0123456789";
const VERCEL_ID = "iad1::cdg1::x7k2p-1732191234567-0a1b2c3d4e5f";

function services(frame: Partial<FrameServices> = {}) {
  const reported: unknown[] = [];
  let opened = 0;
  const value = {
    frame: {
      token: (variable: string) => (variable === "ADMIN_TOKEN" ? TOKEN : undefined),
      trustVercelRequestId: false,
      report: (error: unknown) => void reported.push(error),
      ...frame,
    },
  };
  return {
    reported,
    opened: () => opened,
    open: async () => {
      opened += 1;
      return value;
    },
  };
}

const get = (path: string, headers: Record<string, string> = {}) =>
  new Request(`https://gw.example${path}`, { headers });

describe("the endpoint frame", () => {
  it("opens no services for a route that never asks (liveness), and refuses a wrong method first", async () => {
    const s = services();
    const health = endpoint({ route: "health", methods: ["GET"], services: s.open }, async () =>
      Response.json({ ok: true }),
    );
    expect((await health.fetch(get("/api/health"))).status).toBe(200);
    expect((await health.fetch(new Request("https://gw.example/api/health", { method: "DELETE" }))).status).toBe(405);
    expect(s.opened()).toBe(0);
  });

  it("checks the bearer before the query: a bad query without a token is a 401, with one a 400 naming it", async () => {
    const s = services();
    const events = endpoint(
      {
        route: "admin/events",
        methods: ["GET"],
        services: s.open,
        auth: "ADMIN_TOKEN",
        query: z.object({ limit: z.coerce.number().int().max(5, "must be at most 5").optional() }).strict(),
      },
      async ({ query }) => Response.json(query),
    );
    expect((await events.fetch(get("/api/admin/events?limit=9"))).status).toBe(401);
    const bad = await events.fetch(get("/api/admin/events?limit=9", { authorization: `Bearer ${TOKEN}` }));
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ message: "limit: must be at most 5" });
    const unknown = await events.fetch(get("/api/admin/events?colour=red", { authorization: `Bearer ${TOKEN}` }));
    expect(await unknown.json()).toMatchObject({ message: "colour: not a parameter of this route" });
    const good = await events.fetch(get("/api/admin/events?limit=3", { authorization: `Bearer ${TOKEN}` }));
    expect(await good.json()).toEqual({ limit: 3 });
    // Opened once per request that reached the bearer.
    expect(s.opened()).toBe(4);
  });

  it("closes a route whose token is not set, naming the variable", async () => {
    const cron = endpoint(
      { route: "cron/x", methods: ["GET"], services: services().open, auth: "CRON_SECRET" },
      async () => new Response("ran"),
    );
    const response = await cron.fetch(get("/api/cron/x", { authorization: `Bearer ${TOKEN}` }));
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ message: "CRON_SECRET is not set; this route is closed" });
  });

  it("reads a JSON body through its schema: not JSON is invalid_json, a bad field is named", async () => {
    const replay = endpoint(
      {
        route: "admin/replay",
        methods: ["POST"],
        services: services().open,
        auth: "ADMIN_TOKEN",
        body: z.object({ id: z.number({ error: "must be a number" }) }).strict(),
      },
      async ({ body }) => Response.json(body),
    );
    const post = (body: string) =>
      replay.fetch(
        new Request("https://gw.example/api/admin/replay", {
          method: "POST",
          headers: { authorization: `Bearer ${TOKEN}` },
          body,
        }),
      );
    expect(await (await post("{nope")).json()).toMatchObject({ reason: "invalid_json" });
    expect(await (await post('{"id":"7"}')).json()).toMatchObject({ message: "id: must be a number" });
    expect(await (await post('{"id":7}')).json()).toEqual({ id: 7 });
  });

  it("names the request by x-vercel-id only when its services say the app runs on Vercel", async () => {
    const named = async (trust: boolean) => {
      const fn = endpoint(
        { route: "ready", methods: ["GET"], services: services({ trustVercelRequestId: trust }).open },
        async ({ services: open }) => {
          await open();
          return new Response("ok");
        },
      );
      return (await fn.fetch(get("/api/ready", { "x-vercel-id": VERCEL_ID }))).headers.get("x-request-id");
    };
    expect(await named(true)).toBe(VERCEL_ID);
    expect(await named(false)).not.toBe(VERCEL_ID);
  });

  it("reports an unexpected error, in the request or in work after its answer, to its services' reporter", async () => {
    const s = services();
    const fn = endpoint({ route: "x", methods: ["GET"], services: s.open }, async ({ services: open, context }) => {
      await open();
      context.after("later", async () => {
        throw new RangeError("after the answer");
      });
      throw new TypeError("in the request");
    });
    const response = await fn.fetch(get("/x"));
    expect(response.status).toBe(503); // an unexpected error is answered as retryable
    await settled();
    expect(s.reported.map((e) => (e as Error).message).sort()).toEqual(["after the answer", "in the request"]);
  });
});
