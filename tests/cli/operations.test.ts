// `npx hookgate status | events | event | routing`: against a deployment's admin API
// (a local server running the real endpoints) and straight to a local store.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../lib/cli/main.js";
import type { App } from "../../lib/app.js";
import * as admin from "../../lib/routes/admin.js";
import { pgliteRpc } from "../../lib/store/pglite.js";
import { seedSql, seededGateway, serveRoutes } from "../operations/harness.js";
import { endpointOf } from "../support/app.js";

const ADMIN_TOKEN = "admin-token-for-the-cli-012345";

async function run(argv: string[], env: Record<string, string | undefined>) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, {
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    env: { LOG_LEVEL: "silent", ...env },
  });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

describe("against a deployment (HOOKGATE_URL, ADMIN_TOKEN)", () => {
  let gateway: App;
  let server: { base: string; close(): Promise<void> };
  let env: Record<string, string>;

  beforeAll(async () => {
    ({ gateway } = await seededGateway({ ADMIN_TOKEN }));
    const open = async () => gateway;
    server = await serveRoutes({
      "/api/admin/overview": endpointOf(admin.overviewRoute, open),
      "/api/admin/events": endpointOf(admin.events, open),
      "/api/admin/event": endpointOf(admin.event, open),
      "/api/admin/routing": endpointOf(admin.routing, open),
    });
    env = { HOOKGATE_URL: server.base, ADMIN_TOKEN };
  });
  afterAll(async () => {
    await server.close();
    await gateway.close();
  });

  it("status prints the numbers as a table, and --json the API's object", async () => {
    const table = await run(["status"], env);
    expect(table.code).toBe(0);
    expect(table.out).toMatch(/delivery success\s+66\.6%\s+40\.0%/);
    expect(table.out).toMatch(/dead letters\s+1/);
    expect(table.out).toMatch(/crm\s+closed\s+—\s+0\.0%/);
    const json = await run(["status", "--json"], env);
    expect(JSON.parse(json.out).metrics.dead_letters).toBe(1);
  });

  it("events pages with the printed cursor, and filters", async () => {
    const first = await run(["events", "--limit", "4"], env);
    expect(first.code).toBe(0);
    const cursor = /more: --cursor (\S+)/.exec(first.out)![1]!;
    const second = await run(["events", "--limit", "4", "--cursor", cursor, "--json"], env);
    expect(JSON.parse(second.out).items.map((e: { dedup_key: string }) => e.dedup_key)).toEqual(["e4", "e5"]);
    const dead = await run(["events", "--status", "dead", "--json"], env);
    expect(JSON.parse(dead.out).items.map((e: { dedup_key: string }) => e.dedup_key)).toEqual(["e3"]);
    const bad = await run(["events", "--status", "lost"], env);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("status");
  });

  it("event shows deliveries and attempts; an unknown one is exit 1", async () => {
    const list = JSON.parse((await run(["events", "--dedup-key", "e2", "--json"], env)).out);
    const shown = await run(["event", list.items[0].id], env);
    expect(shown.code).toBe(0);
    expect(shown.out).toContain("→ agent: delivered, 2 attempt(s)");
    // One time format: ISO 8601 in UTC, to the second.
    expect(shown.out).toMatch(/1\s+\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\s+retry\s+503/);
    expect((await run(["event", "00000000-0000-4000-8000-000000000000"], env)).code).toBe(1);
    expect((await run(["event", "nope"], env)).code).toBe(2);
  });

  it("a wrong token is an error that says so", async () => {
    const wrong = await run(["status"], { ...env, ADMIN_TOKEN: "not-the-right-token-000" });
    expect(wrong.code).toBe(1);
    expect(wrong.err).toContain("401");
  });
});

describe("straight to the local store", () => {
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "hookgate-cli-"));
    const rpc = await pgliteRpc(dir);
    await rpc.db.exec(seedSql("now()"));
    await rpc.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("reads the same numbers without a deployment", async () => {
    const env = { HOOKGATE_DATA_DIR: dir, DATABASE_URL: undefined, SUPABASE_URL: undefined, HOOKGATE_URL: undefined };
    const status = await run(["status", "--json"], env);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.out).metrics.success.last_24h).toEqual({ attempts: 5, delivered: 2 });
    const events = await run(["events", "--provider", "github"], env);
    expect(events.out).toMatch(/github\s+push\s+dead/);
    expect((await run(["routing", "--task", "nothing-here"], env)).out).toContain(
      "no routing decision recorded for task nothing-here",
    );
  });
});
