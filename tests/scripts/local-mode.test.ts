// `npm start` and `npx hookgate` side by side on one embedded store, as a new user runs
// them: the server registers itself in <data dir>/server.json, the CLI talks to it
// (so a dead letter the server logged can be replayed beside it), a second server on the
// same directory or on a taken port refuses in one line, and after a kill -9 the stale
// files are ignored and replaced.
//
// Regressions: "`npx hookgate` beside `npm start` shows stale data, and after ~300
// webhooks every local command failed with Aborted()"; "a second `npm start` prints
// 'listening' and then an EADDRINUSE stack"; "`PORT=abc` gives zod's raw 'expected
// number, received NaN'"; "the dashboard says only 'Could not load (503)': ADMIN_TOKEN
// is unset" (issue 12).
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Io } from "../../lib/cli/command.js";
import { main } from "../../lib/cli/main.js";
import { providerNamed } from "../../lib/providers/catalog.js";
import { receiver, SECRET, type Receiver } from "../delivery/support.js";
import { sample } from "../support/requests.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const CHATWOOT_SECRET = "chatwoot-secret-for-the-local-mode";

interface Run {
  child: ChildProcess;
  out: () => string;
  err: () => string;
  exited: Promise<number | null>;
  /** The URL printed once listening (rejects if the process exits first). */
  listening: Promise<string>;
}

function start(env: Record<string, string>): Run {
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/serve.ts"], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", PORT: "0", LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const listening = new Promise<string>((resolve, reject) => {
    child.stdout.on("data", () => {
      // The whole start block: listening, store, dashboard, token, then the routes.
      const match = /hookgate listening on (\S+)\n[\s\S]*\n {2}\/api\//.exec(out);
      if (match) resolve(match[1]!);
    });
    void exited.then((code) => reject(new Error(`serve.ts exited (${code}) before listening: ${err}`)));
  });
  listening.catch(() => {});
  return { child, out: () => out, err: () => err, exited, listening };
}

async function stop(run: Run | undefined, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
  if (!run || run.child.exitCode !== null || run.child.signalCode !== null) return;
  run.child.kill(signal);
  await run.exited;
}

async function cli(argv: string[], env: Record<string, string>) {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (l) => out.push(l), err: (l) => err.push(l), env: { LOG_LEVEL: "silent", ...env } };
  const code = await main(argv, io);
  return { code, out: out.join("\n"), err: err.join("\n") };
}

async function until<T>(probe: () => Promise<T | undefined>, what: string, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe("npm start and npx hookgate on one data directory", () => {
  let dir: string;
  let target: Receiver;
  let env: Record<string, string>;
  let first: Run | undefined;
  let url: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "hookgate-local-mode-"));
    // The receiver refuses the first delivery for good (410: dead at once), then accepts.
    target = await receiver((_, n) => (n === 1 ? { status: 410 } : { status: 200 }));
    env = {
      HOOKGATE_DATA_DIR: dir,
      CHATWOOT_WEBHOOK_SECRET: CHATWOOT_SECRET,
      AGENT_SDK_URL: target.url,
      AGENT_SDK_SECRET: SECRET,
    };
    first = start({ ...env, LOG_LEVEL: "info" });
    url = await first.listening;
  }, 90_000);
  afterAll(async () => {
    await stop(first);
    await target?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("prints the dashboard's URL and a local admin token it keeps in the data directory", () => {
    expect(first!.out()).toContain(`dashboard: ${url}/api/admin/dashboard`);
    const token = readFileSync(join(dir, "admin-token"), "utf8").trim();
    expect(token.length).toBeGreaterThanOrEqual(32);
    expect(first!.out()).toContain(`admin token (made for this machine, kept in ${join(dir, "admin-token")}`);
    expect(first!.out()).toContain(token);
    expect(JSON.parse(readFileSync(join(dir, "server.json"), "utf8"))).toMatchObject({ url, pid: first!.child.pid });
  });

  it("the CLI reads the server's own data, and replays a dead letter beside it; attempts count on", async () => {
    const chatwoot = providerNamed("chatwoot")!;
    const body = new TextEncoder().encode(sample("chatwoot", "message_created.json"));
    const headers = chatwoot.sign({
      body,
      secret: CHATWOOT_SECRET,
      url: `${url}/api/webhooks/chatwoot`,
      now: new Date(),
    });
    const answer = await fetch(`${url}/api/webhooks/chatwoot`, { method: "POST", headers, body });
    expect(answer.status).toBeLessThan(300);
    await target.seen(1);

    const dead = await until(async () => {
      const run = await cli(["dlq"], { HOOKGATE_DATA_DIR: dir });
      return run.code === 0 && /agent-sdk/.test(run.out) ? run : undefined;
    }, "the dead letter");
    expect(dead.out).toMatch(/^id +destination +provider/m);
    expect(dead.out).toMatch(/^1 +agent-sdk +chatwoot +message_created +1 +410 http_410/m);

    const replayed = await cli(["replay", "1"], { HOOKGATE_DATA_DIR: dir });
    expect(replayed).toMatchObject({ code: 0 });
    expect(replayed.out).toBe(`replayed 1 dead delivery (local server ${url})`);
    // The server's own cron delivers it within seconds; the second attempt is number 2.
    await target.seen(2);
    const shown = await until(async () => {
      const run = await cli(["dlq", "show", "1"], { HOOKGATE_DATA_DIR: dir });
      return /delivered/.test(run.out.split("\n")[0]!) ? run : undefined;
    }, "the delivery");
    expect(shown.out.split("\n")[0]).toBe("delivery 1 → agent-sdk: delivered, 2 attempt(s), replayed 1×");
    expect(target.requests.map((r) => r.headers["x-hookgate-attempt"])).toEqual(["1", "2"]);
    // And the server said so in its log, one line per attempt.
    const attempts = first!
      .out()
      .split("\n")
      .filter((l) => l.includes('"delivery attempt"'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(attempts.map((a) => [a.delivery_id, a.attempt, a.status, a.next])).toEqual([
      [1, 1, 410, "dead"],
      [1, 2, 200, null],
    ]);
  }, 60_000);

  it("a second npm start on the same directory refuses in one line, without touching the store", async () => {
    const second = start(env);
    expect(await second.exited).toBe(1);
    expect(second.out()).not.toContain("listening");
    expect(second.err().trim()).toBe(
      `hookgate: already running at ${url} (pid ${first!.child.pid}) on ${dir}: use that one (npx hookgate talks to it), or stop it first`,
    );
  }, 30_000);

  it("a taken port is one line naming the cause and the fix, never 'listening' and a stack", async () => {
    const port = new URL(url).port;
    const other = start({ HOOKGATE_DATA_DIR: "memory://", PORT: port });
    expect(await other.exited).toBe(1);
    expect(other.out()).not.toContain("listening");
    expect(other.err().trim()).toBe(
      `hookgate: cannot listen on 127.0.0.1:${port}: the port is in use (another hookgate, or another program): stop it, or set PORT to a free port (PORT=0 picks one)`,
    );
  }, 30_000);

  it("after a kill -9 the stale server file and lock are ignored and replaced", async () => {
    await stop(first, "SIGKILL");
    expect(existsSync(join(dir, "server.json"))).toBe(true);
    expect(existsSync(join(dir, "store.lock"))).toBe(true);
    // No server: the CLI opens the store itself, and sees what the server recorded.
    const local = await cli(["events", "--provider", "chatwoot"], { HOOKGATE_DATA_DIR: dir });
    expect(local.code).toBe(0);
    expect(local.out).toMatch(/chatwoot +message_created +delivered/);
    const again = start(env);
    first = again;
    url = await again.listening;
    expect(JSON.parse(readFileSync(join(dir, "server.json"), "utf8"))).toMatchObject({ pid: again.child.pid });
    // The token is kept, not printed again.
    expect(again.out()).toContain(`admin token: in ${join(dir, "admin-token")}`);
    await stop(again);
    expect(existsSync(join(dir, "server.json"))).toBe(false);
    expect(existsSync(join(dir, "store.lock"))).toBe(false);
  }, 90_000);
});

describe("npm start with a bad environment", () => {
  it("PORT=abc says the rule in one line, exit 2", async () => {
    const run = start({ HOOKGATE_DATA_DIR: "memory://", PORT: "abc" });
    expect(await run.exited).toBe(2);
    expect(run.err().trim()).toBe(
      "hookgate: invalid environment: PORT: must be a whole number from 0 to 65535 (fix it in .env or the environment)",
    );
  }, 30_000);
});
