// The routing file: checked at start with messages naming the problem, and a pure
// router; and the first configured route, Chatwoot → the agent service, end to end.
import { Webhook } from "standardwebhooks";
import { afterEach, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../lib/config/env.js";
import type { ActionDestination } from "../../lib/destinations/contract.js";
import { settled } from "../../lib/http/after.js";
import { webhook } from "../../lib/routes/webhooks.js";
import { setLogLevel } from "../../lib/observability/log.js";
import { chatwoot } from "../../lib/providers/chatwoot.js";
import { clickup } from "../../lib/providers/clickup.js";
import { forward, type RoutingDefinition } from "../../lib/routing/define.js";
import { compileRouting } from "../../lib/routing/table.js";
import { endpointOf, testApp } from "../support/app.js";
import { sample, signedRequest } from "../support/requests.js";
import routes from "../../hookgate.routes.js";
import { receiver, SECRET } from "./support.js";

setLogLevel("silent");
const env = loadConfig({}).env;
const providers = ["clickup", "chatwoot"];
const compile = (definition: RoutingDefinition) => compileRouting(definition, { env, providers });
const event = (type: string | null, payload: unknown = {}) => ({ dedupKey: "k", type, payload });

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

describe("compileRouting", () => {
  it("routes by provider, event type and predicate, each destination once", () => {
    const routing = compile({
      destinations: {
        a: forward({ url: "https://a.example/hook", secret: SECRET }),
        b: forward({ url: "https://b.example/hook", unsigned: true }),
        off: false,
      },
      routes: [
        { provider: "chatwoot", events: ["message_created"], to: ["a"] },
        { provider: "chatwoot", when: (p) => (p as { urgent?: boolean }).urgent === true, to: ["a", "b"] },
        { provider: "clickup", events: "*", to: ["b"] },
        {
          provider: "chatwoot",
          when: () => {
            throw new Error("odd payload");
          },
          to: ["b"],
        },
      ],
    });
    expect(routing.route("chatwoot", event("message_created"))).toEqual(["a"]);
    expect(routing.route("chatwoot", event("message_created", { urgent: true }))).toEqual(["a", "b"]);
    expect(routing.route("chatwoot", event("conversation_created"))).toEqual([]);
    expect(routing.route("chatwoot", event(null))).toEqual([]);
    expect(routing.route("clickup", event(null))).toEqual(["b"]);
    expect(routing.route("github", event("push"))).toEqual([]);
    expect([...routing.destinations.keys()]).toEqual(["a", "b"]);
    expect(routing.destinations.get("a")).toMatchObject({
      kind: "http",
      timeoutMs: 10_000,
      retry: { jitter: 0.1 },
      breaker: { failures: 5 },
    });
  });

  it.each<[string, RoutingDefinition, string]>([
    [
      "an unknown destination",
      { destinations: {}, routes: [{ provider: "clickup", to: ["nowhere"] }] },
      'route 1 (clickup): unknown destination "nowhere"',
    ],
    [
      "an unknown provider",
      { destinations: {}, routes: [{ provider: "chatwot", to: ["x"] }] },
      'unknown provider "chatwot"',
    ],
    [
      "a switched-off destination",
      { destinations: { a: false }, routes: [{ provider: "clickup", to: ["a"] }] },
      'destination "a" is switched off',
    ],
    [
      "a bad URL",
      { destinations: { a: forward({ url: "ftp://x", secret: SECRET }) }, routes: [] },
      'destination "a": url: must be an http(s) URL',
    ],
    [
      "no secret",
      { destinations: { a: forward({ url: "https://x.example" }) }, routes: [] },
      'destination "a": has no secret',
    ],
    [
      "a bad secret",
      { destinations: { a: forward({ url: "https://x.example", secret: "hunter2" }) }, routes: [] },
      "secret must start with whsec_",
    ],
    [
      "a timeout too long",
      { destinations: { a: forward({ url: "https://x.example", secret: SECRET, timeoutMs: 120_000 }) }, routes: [] },
      "timeoutMs",
    ],
    [
      "a reserved header",
      {
        destinations: { a: forward({ url: "https://x.example", secret: SECRET, headers: { "webhook-id": "x" } }) },
        routes: [],
      },
      'header "webhook-id" is set by hookgate',
    ],
    [
      "a bad name",
      { destinations: { "a b": forward({ url: "https://x.example", secret: SECRET }) }, routes: [] },
      'destination "a b": names are',
    ],
    [
      "an empty schedule",
      {
        destinations: { a: forward({ url: "https://x.example", secret: SECRET, retry: { schedule: [] } }) },
        routes: [],
      },
      "retry.schedule",
    ],
    [
      "no attempts at all",
      {
        destinations: { a: forward({ url: "https://x.example", secret: SECRET, retry: { maxAttempts: 0 } }) },
        routes: [],
      },
      'destination "a": retry.maxAttempts: must be a number of attempts from 1 to 50',
    ],
    [
      "too many attempts",
      {
        destinations: { a: forward({ url: "https://x.example", secret: SECRET, retry: { maxAttempts: 1000 } }) },
        routes: [],
      },
      'destination "a": retry.maxAttempts',
    ],
    [
      "a fractional attempt count",
      {
        destinations: { a: forward({ url: "https://x.example", secret: SECRET, retry: { maxAttempts: 2.5 } }) },
        routes: [],
      },
      "retry.maxAttempts",
    ],
    [
      "a negative timeout",
      { destinations: { a: forward({ url: "https://x.example", secret: SECRET, timeoutMs: -5 }) }, routes: [] },
      'destination "a": timeoutMs: must be at least 1 ms',
    ],
    [
      "a timeout as text",
      {
        destinations: {
          a: forward({ url: "https://x.example", secret: SECRET, timeoutMs: "5s" as unknown as number }),
        },
        routes: [],
      },
      'destination "a": timeoutMs: must be a number of milliseconds',
    ],
    [
      "a negative delay",
      {
        destinations: { a: forward({ url: "https://x.example", secret: SECRET, retry: { schedule: [0, -1000] } }) },
        routes: [],
      },
      'destination "a": retry.schedule.1: must not be negative',
    ],
    [
      "a jitter over 1",
      { destinations: { a: forward({ url: "https://x.example", secret: SECRET, retry: { jitter: 2 } }) }, routes: [] },
      'destination "a": retry.jitter: must be a fraction from 0 to 1',
    ],
    [
      "an unknown retry setting",
      {
        destinations: { a: forward({ url: "https://x.example", secret: SECRET, retry: { attempts: 3 } as object }) },
        routes: [],
      },
      'destination "a": retry',
    ],
  ])("refuses %s, naming it", (_, definition, message) => {
    expect(() => compile(definition)).toThrow(ConfigError);
    expect(() => compile(definition)).toThrow(message);
  });

  it("resolves maxAttempts into the schedule: cut short, or extended by its last delay", () => {
    const routing = compile({
      destinations: {
        short: forward({ url: "https://x.example", secret: SECRET, retry: { maxAttempts: 3 } }),
        long: forward({ url: "https://x.example", secret: SECRET, retry: { schedule: [0, 1000], maxAttempts: 4 } }),
      },
      routes: [],
    });
    expect(routing.destinations.get("short")!.retry.schedule).toEqual([0, 5_000, 300_000]);
    expect(routing.destinations.get("long")!.retry.schedule).toEqual([0, 1000, 1000, 1000]);
  });

  it("the agent route's timeout comes from AGENT_SDK_TIMEOUT_MS (default 10 s), checked by name", () => {
    const agent = (extra: Record<string, string>) =>
      compileRouting(routes, {
        env: loadConfig({ AGENT_SDK_URL: "https://agent.example/hook", AGENT_SDK_SECRET: SECRET, ...extra }).env,
        providers: ["chatwoot", "clickup"],
      }).destinations.get("agent-sdk")!;
    expect(agent({}).timeoutMs).toBe(10_000);
    expect(agent({ AGENT_SDK_TIMEOUT_MS: "30000" }).timeoutMs).toBe(30_000);
    expect(() => loadConfig({ AGENT_SDK_TIMEOUT_MS: "90000" })).toThrow(
      /AGENT_SDK_TIMEOUT_MS: must be milliseconds from 1 to 45000/,
    );
    expect(() => loadConfig({ AGENT_SDK_TIMEOUT_MS: "soon" })).toThrow(/AGENT_SDK_TIMEOUT_MS/);
  });

  it("accepts a built-in action as a destination", () => {
    const action: ActionDestination = { kind: "action", name: "tickets", run: async () => ({ kind: "delivered" }) };
    const routing = compile({
      destinations: { tickets: { ...action, timeoutMs: 20_000 } },
      routes: [{ provider: "clickup", to: ["tickets"] }],
    });
    expect(routing.destinations.get("tickets")).toMatchObject({ kind: "action", timeoutMs: 20_000 });
  });
});

describe("hookgate.routes.ts", () => {
  it("has no routes until AGENT_SDK_URL is set", () => {
    const routing = compileRouting(routes, { env, providers });
    expect(routing.destinations.size).toBe(0);
    expect(routing.route("chatwoot", event("message_created"))).toEqual([]);
  });

  it("needs AGENT_SDK_SECRET with AGENT_SDK_URL", () => {
    expect(() => loadConfig({ AGENT_SDK_URL: "https://agent.example/hook" })).toThrow("AGENT_SDK_SECRET");
  });

  it("forwards Chatwoot message_created and conversation_status_changed to the agent, right after the answer", async () => {
    const agent = await receiver();
    cleanup.push(() => agent.close());
    const gateway = await testApp({
      CHATWOOT_WEBHOOK_SECRET: "cw-secret",
      AGENT_SDK_URL: agent.url,
      AGENT_SDK_SECRET: SECRET,
    });
    cleanup.push(() => gateway.close());
    expect(gateway.routing.route("chatwoot", event("message_created"))).toEqual(["agent-sdk"]);

    const bodies: string[] = [];
    for (const name of ["message_created.json", "conversation_status_changed.json"]) {
      const body = sample("chatwoot", name);
      bodies.push(body);
      const response = await endpointOf(webhook(chatwoot), async () => gateway).fetch(
        signedRequest(chatwoot, { secret: "cw-secret", body }),
      );
      expect(response.status).toBe(200);
    }
    await settled();

    expect(agent.requests.map((r) => r.body.toString())).toEqual(bodies);
    for (const request of agent.requests) {
      const headers = Object.fromEntries(
        ["webhook-id", "webhook-timestamp", "webhook-signature"].map((h) => [h, String(request.headers[h])]),
      );
      expect(() => new Webhook(SECRET).verify(request.body.toString(), headers)).not.toThrow();
      expect(request.headers["content-type"]).toMatch(/^application\/json/);
    }
    const store = gateway.store.deliveries;
    expect(await store.get(1)).toMatchObject({ status: "delivered", attempts: 1, destination: "agent-sdk" });
    expect(await store.get(2)).toMatchObject({ status: "delivered", attempts: 1 });
  });

  it("leaves a failed immediate attempt to the cron, already scheduled", async () => {
    const down = await receiver(() => ({ status: 503 }));
    cleanup.push(() => down.close());
    const gateway = await testApp(
      { CLICKUP_WEBHOOK_SECRET: "cu-secret" },
      {
        routes: {
          destinations: { d: forward({ url: down.url, secret: SECRET }) },
          routes: [{ provider: "clickup", to: ["d"] }],
        },
      },
    );
    cleanup.push(() => gateway.close());
    const request = signedRequest(clickup, { secret: "cu-secret", body: sample("clickup", "taskCreated.json") });
    expect((await endpointOf(webhook(clickup), async () => gateway).fetch(request)).status).toBe(200);
    await settled();
    expect(down.requests).toHaveLength(1);
    expect(await gateway.store.deliveries.get(1)).toMatchObject({
      status: "pending",
      attempts: 1,
      last_status: 503,
    });
  });
});
