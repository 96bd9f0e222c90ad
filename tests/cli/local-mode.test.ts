// How `npx hookgate` (no HOOKGATE_URL) picks what it talks to, run in-process against
// a data directory a test lays out: the server registered in server.json (here a
// stand-in HTTP server), a refusal in one line when that server does not answer or the
// store is open elsewhere, and stale files of dead processes ignored.
// (tests/scripts/local-mode.test.ts runs the real `npm start` beside the CLI.)
//
// `retry` calls POST /api/admin/retry, a route another branch adds: here it is tested
// against the stand-in only.
import { spawnSync } from "node:child_process";
import { createServer, type Server } from "node:http";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Io } from "../../lib/cli/command.js";
import { lockStore, StoreBusyError } from "../../lib/cli/local-server.js";
import { main } from "../../lib/cli/main.js";
import { refusingUrl } from "../delivery/support.js";

const TOKEN = "the-local-admin-token-0123456789";

async function cli(argv: string[], dir: string, env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = {
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    env: { LOG_LEVEL: "silent", HOOKGATE_DATA_DIR: dir, ...env },
  };
  const code = await main(argv, io);
  return { code, out, err };
}

/** A pid that was alive and no longer is. */
function deadPid(): number {
  return Number(spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]).stdout.toString());
}

interface Seen {
  method: string;
  path: string;
  authorization: string | undefined;
  body: string;
}

describe("npx hookgate beside a registered server", () => {
  let dir: string;
  let server: Server;
  let url: string;
  const seen: Seen[] = [];
  let answer: { status: number; body: unknown } = { status: 200, body: {} };

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk.toString()));
      req.on("end", () => {
        seen.push({ method: req.method!, path: req.url!, authorization: req.headers.authorization, body });
        res.writeHead(answer.status, { "content-type": "application/json" }).end(JSON.stringify(answer.body));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  afterEach(() => {
    seen.length = 0;
    rmSync(dir, { recursive: true, force: true });
  });

  function layout(file: { url: string; pid: number }) {
    dir = mkdtempSync(join(tmpdir(), "hookgate-cli-local-"));
    writeFileSync(join(dir, "server.json"), JSON.stringify({ ...file, started_at: new Date().toISOString() }));
    writeFileSync(join(dir, "admin-token"), `${TOKEN}\n`);
  }

  it("talks to it with the local token, never opening the store", async () => {
    layout({ url, pid: process.pid });
    answer = { status: 200, body: { items: [], next_before_id: null } };
    const run = await cli(["dlq"], dir);
    expect(run).toMatchObject({ code: 0, out: [`no dead letters (local server ${url})`] });
    expect(seen).toMatchObject([{ method: "GET", path: "/api/admin/dead-letters", authorization: `Bearer ${TOKEN}` }]);
    // Nothing of PGlite's was made in the directory.
    expect(existsSync(join(dir, "PG_VERSION"))).toBe(false);
  });

  it("retry <id> posts {id} to /api/admin/retry and prints the answer", async () => {
    layout({ url, pid: process.pid });
    answer = { status: 200, body: { retried: 1 } };
    const run = await cli(["retry", "7"], dir);
    expect(run).toMatchObject({ code: 0, out: [`delivery 7 is due now (local server ${url})`] });
    expect(seen).toEqual([
      { method: "POST", path: "/api/admin/retry", authorization: `Bearer ${TOKEN}`, body: '{"id":7}' },
    ]);
    answer = { status: 409, body: { error: "conflict", message: "delivery 7 is delivered, not pending" } };
    const refused = await cli(["retry", "7"], dir);
    expect(refused).toMatchObject({
      code: 1,
      err: [`hookgate retry: 409 from local server ${url}: delivery 7 is delivered, not pending`],
    });
  });

  it("refuses in one line saying what to do when the registered server does not answer", async () => {
    const gone = new URL(await refusingUrl()).origin;
    layout({ url: gone, pid: process.pid });
    const run = await cli(["events"], dir);
    expect(run.code).toBe(1);
    expect(run.err).toEqual([
      `hookgate events: hookgate (pid ${process.pid}) is registered at ${gone} in ${dir}/server.json but does not answer (ECONNREFUSED): wait for it to finish starting, or stop it (kill ${process.pid}) and run this again`,
    ]);
  });

  it("a usage error about a name still lists the known ones through the server", async () => {
    layout({ url, pid: process.pid });
    answer = { status: 200, body: { metrics: { breakers: [{ destination: "crm" }], deliveries: [] } } };
    const run = await cli(["dlq", "--destination", "cmr"], dir);
    expect(run.code).toBe(2);
    expect(run.err[0]).toBe('hookgate dlq: --destination: no destination "cmr"; known: crm');
  });
});

describe("npx hookgate with no server", () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("refuses while another live process has the embedded store open", async () => {
    dir = mkdtempSync(join(tmpdir(), "hookgate-cli-lock-"));
    const held = lockStore(dir, "npx hookgate events --since 7d");
    try {
      const run = await cli(["status"], dir);
      expect(run.code).toBe(1);
      expect(run.err).toEqual([
        `hookgate status: the store in ${dir} is open in another process (npx hookgate events --since 7d, pid ${process.pid}): wait for it to finish, then run this again`,
      ]);
      expect(() => lockStore(dir, "npm start")).toThrow(StoreBusyError);
    } finally {
      held.release();
    }
    expect(existsSync(join(dir, "store.lock"))).toBe(false);
  });

  it("ignores a server file and a lock left by dead processes, and opens the store itself", async () => {
    dir = mkdtempSync(join(tmpdir(), "hookgate-cli-stale-"));
    const pid = deadPid();
    writeFileSync(join(dir, "server.json"), JSON.stringify({ url: "http://127.0.0.1:9", pid }));
    writeFileSync(join(dir, "store.lock"), JSON.stringify({ pid, by: "npm start" }));
    const run = await cli(["dlq"], dir);
    expect(run).toMatchObject({ code: 0, out: ["no dead letters (local store (pglite))"] });
    expect(existsSync(join(dir, "server.json"))).toBe(false);
    // Released when the command ended.
    expect(existsSync(join(dir, "store.lock"))).toBe(false);
  }, 60_000);
});
