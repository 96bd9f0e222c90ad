// `npx hookgate dlq|replay`, run in-process: against a deployment's admin API over
// HTTP (HOOKGATE_URL + ADMIN_TOKEN), and straight against a local store.
import { serve } from "@hono/node-server";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../lib/cli/main.js";
import type { Io } from "../../lib/cli/command.js";
import { deadLetters, delivery, replay } from "../../lib/routes/deliveries.js";
import { overviewRoute } from "../../lib/routes/admin.js";
import type { App } from "../../lib/app.js";
import { forward } from "../../lib/routing/define.js";
import { engine, receiver, SECRET, seedDue, type Receiver } from "../delivery/support.js";
import { endpointOf, testApp } from "../support/app.js";

const ADMIN_TOKEN = "admin-token-0123456789";

function io(env: Record<string, string>) {
  const out: string[] = [];
  const err: string[] = [];
  const value: Io = { out: (l) => out.push(l), err: (l) => err.push(l), env: { LOG_LEVEL: "silent", ...env } };
  return { io: value, out, err };
}

describe("the hookgate CLI", () => {
  let gateway: App;
  let target: Receiver;
  let server: ReturnType<typeof serve>;
  let env: Record<string, string>;

  beforeAll(async () => {
    target = await receiver(() => ({ status: 410 }));
    gateway = await testApp(
      { ADMIN_TOKEN },
      {
        routes: {
          destinations: { agent: forward({ url: target.url, secret: SECRET }) },
          routes: [{ provider: "clickup", to: ["agent"] }],
        },
      },
    );
    await seedDue(gateway.store, ["agent"], 3);
    await engine(gateway).drain();
    const gw = async () => gateway;
    const routes = new Map([
      ["/api/admin/dead-letters", endpointOf(deadLetters, gw)],
      ["/api/admin/delivery", endpointOf(delivery, gw)],
      ["/api/admin/replay", endpointOf(replay, gw)],
      // The CLI checks a --destination against the destinations the deployment knows.
      ["/api/admin/overview", endpointOf(overviewRoute, gw)],
    ]);
    server = serve({ port: 0, hostname: "127.0.0.1", fetch: (r) => routes.get(new URL(r.url).pathname)!.fetch(r) });
    await new Promise((resolve) => server.once("listening", resolve));
    env = { HOOKGATE_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, ADMIN_TOKEN };
  });
  afterAll(async () => {
    server?.close();
    await gateway?.close();
    await target?.close();
  });

  it("lists dead letters from a deployment", async () => {
    const run = io(env);
    expect(await main(["dlq", "list", "--destination", "agent", "--since", "1h"], run.io)).toBe(0);
    // An aligned table, as every command prints (it was tab-separated).
    expect(run.out[0]).toMatch(/^id +destination +provider +event type +attempts +last +dead at$/);
    const columns = run.out[0]!.match(/\S+( \S+)*/g)!.map((name) => run.out[0]!.indexOf(name));
    // Every cell starts under its header.
    for (const line of run.out.slice(1))
      expect(columns.map((at) => `${line[at - 1] ?? " "}${line[at] === " " ? "gap" : "cell"}`)).toEqual(
        columns.map(() => " cell"),
      );
    expect(run.out.slice(1).map((line) => line.split(/ {2,}/).slice(0, 6))).toEqual([
      ["3", "agent", "clickup", "taskCreated", "1", "410 http_410"],
      ["2", "agent", "clickup", "taskCreated", "1", "410 http_410"],
      ["1", "agent", "clickup", "taskCreated", "1", "410 http_410"],
    ]);
  });

  it("shows one dead letter with its attempts", async () => {
    const run = io(env);
    expect(await main(["dlq", "show", "2"], run.io)).toBe(0);
    expect(run.out[0]).toBe("delivery 2 → agent: dead, 1 attempt(s), replayed 0×");
    expect(run.out.some((line) => /#1 .* dead +410/.test(line))).toBe(true);
    const missing = io(env);
    expect(await main(["dlq", "show", "99"], missing.io)).toBe(1);
  });

  it("replays with a dry run first, then one, then the rest", async () => {
    const dry = io(env);
    expect(await main(["replay", "--destination", "agent", "--dry-run"], dry.io)).toBe(0);
    expect(dry.out[0]).toMatch(/^would replay 3 dead deliveries/);
    const one = io(env);
    expect(await main(["replay", "1"], one.io)).toBe(0);
    expect(one.out[0]).toMatch(/^replayed 1 dead delivery/);
    const again = io(env);
    expect(await main(["replay", "1"], again.io)).toBe(1);
    expect(again.out[0]).toBe("delivery 1 is pending, not dead");
    const rest = io(env);
    expect(await main(["replay", "--provider", "clickup", "--json"], rest.io)).toBe(0);
    expect(JSON.parse(rest.out[0]!)).toEqual({ dry_run: false, matched: 2, replayed: 2 });
  });

  it("replays in batches with a progress bar, every dead delivery once", async () => {
    await seedDue(gateway.store, ["agent"], 1100, "github");
    const drained = engine(gateway);
    while ((await drained.drain()).claimed > 0);
    const progress: string[] = [];
    const run = io(env);
    run.io.progress = (line) => progress.push(line);
    expect(await main(["replay", "--provider", "github"], run.io)).toBe(0);
    expect(run.out[0]).toMatch(/^replayed 1100 dead deliveries/);
    expect(progress.slice(0, 3)).toEqual([
      `[${"#".repeat(14)}${".".repeat(16)}] 500/1,100`,
      `[${"#".repeat(27)}${".".repeat(3)}] 1,000/1,100`,
      `[${"#".repeat(30)}] 1,100/1,100`,
    ]);
    const left = io(env);
    expect(await main(["replay", "--provider", "github", "--dry-run"], left.io)).toBe(0);
    expect(left.out[0]).toMatch(/^would replay 0 dead deliveries/);
  });

  it.each([
    [["replay"], /give an id, at least one filter/],
    [["replay", "abc"], /not a delivery id/],
    [["replay", "--colour", "red"], /Unknown option/],
    [["dlq", "--limit", "0"], /limit/],
    [["dlq", "show"], /one delivery id/],
    // Regressions (issue 12): a usage error said "or all: true"; `--since yesterday` said
    // "must be an ISO 8601 date"; an unknown --provider silently returned nothing.
    [["replay", "--dry-run"], /or --all\n/],
    [["replay", "3", "--all"], /give a delivery id or filters, not both/],
    [
      ["dlq", "--since", "yesterday"],
      /--since: "yesterday" is not a time: give how long ago \(30m, 2h, 7d\) or an ISO 8601 time/,
    ],
    [["replay", "--until", "2026-13-45", "--all"], /--until: "2026-13-45" is not a time/],
    [["events", "--status", "lost"], /--status: must be one of none, pending, delivered, dead/],
    [["events", "--dedup-key", ""], /--dedup-key: /],
    [["replay", "--provider", "strpe"], /--provider: no provider "strpe"; known: chatwoot, clickup, github, /],
    [["dlq", "--destination", "agnet"], /--destination: no destination "agnet"; known: agent\n/],
    [["retry"], /retry takes one delivery id/],
    [["retry", "x1"], /not a delivery id: x1/],
  ])("refuses %j with usage and exit code 2", async (argv, message) => {
    const run = io(env);
    expect(await main(argv, run.io)).toBe(2);
    expect(run.err.join("\n")).toMatch(message);
    expect(run.err.join("\n")).toContain("usage:");
  });

  it("says which commands exist", async () => {
    const run = io(env);
    expect(await main(["nope"], run.io)).toBe(2);
    expect(run.out.join("\n")).toMatch(/dlq .*\n.*replay /);
  });

  it("talks to the local store when HOOKGATE_URL is unset", async () => {
    const run = io({ HOOKGATE_DATA_DIR: "memory://" });
    expect(await main(["dlq"], run.io)).toBe(0);
    expect(run.out).toEqual(["no dead letters (local store (pglite))"]);
    const refused = io({ HOOKGATE_DATA_DIR: "memory://" });
    expect(await main(["replay", "--all", "--dry-run"], refused.io)).toBe(0);
    expect(refused.out[0]).toMatch(/^would replay 0 dead deliveries \(local store/);
  });
});
