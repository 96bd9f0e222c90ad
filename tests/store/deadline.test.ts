// The store limit (HOOKGATE_STORE_TIMEOUT_MS) on each transport: a call that gets no
// answer within it fails as an unreachable StoreError (answered 503 + Retry-After),
// and what can be withdrawn is: the Supabase fetch is aborted, the Postgres statement
// is ended by the server itself.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toRejection } from "../../lib/http/errors.js";
import { withDeadline } from "../../lib/store/deadline.js";
import { pgliteRpc } from "../../lib/store/pglite.js";
import { sqlFunction, StoreError } from "../../lib/store/port.js";
import { postgresRpc } from "../../lib/store/postgres.js";
import { supabaseRpc } from "../../lib/store/supabase.js";
import { DATABASE_URL, freshDatabase, type TestDatabase } from "../support/postgres.js";

const LIMIT_MS = 300;
// Called on the transport directly: the limit belongs to it, below the typed store.
const PING = sqlFunction("hookgate_ping", []);
const TEST_WAIT = sqlFunction("hookgate_test_wait", ["p_ms"]);

function expectUnreachable(error: unknown): void {
  expect(error).toBeInstanceOf(StoreError);
  expect((error as StoreError).unreachable).toBe(true);
  expect((error as StoreError).message).toContain(`no answer within ${LIMIT_MS} ms`);
  const { rejection, unexpected } = toRejection(error);
  expect(rejection.status).toBe(503);
  expect(rejection.headers["retry-after"]).toMatch(/^\d+$/);
  expect(unexpected).toBe(false);
}

describe("withDeadline", () => {
  it("passes the work's answer or failure through when it comes in time", async () => {
    await expect(
      withDeadline(
        1_000,
        async () => 42,
        () => new Error("late"),
      ),
    ).resolves.toBe(42);
    await expect(
      withDeadline(
        1_000,
        async () => Promise.reject(new Error("own")),
        () => new Error("late"),
      ),
    ).rejects.toThrow("own");
  });

  it("fails with late() and aborts the work's signal when the work does not answer", async () => {
    let signal: AbortSignal | undefined;
    const never = withDeadline(
      20,
      (s) => ((signal = s), new Promise<never>(() => {})),
      () => new Error("late"),
    );
    await expect(never).rejects.toThrow("late");
    expect(signal?.aborted).toBe(true);
  });
});

describe("PGlite: a call waiting behind a long transaction", () => {
  it("stops waiting at the limit", async () => {
    const rpc = await pgliteRpc("memory://", { timeoutMs: LIMIT_MS });
    let release!: () => void;
    const holding = rpc.db.transaction(() => new Promise<void>((resolve) => (release = resolve)));
    try {
      expectUnreachable(await rpc.call(PING, []).catch((e: unknown) => e));
    } finally {
      release();
      await holding;
    }
    // Once the session is free, calls are answered again.
    await rpc.call(PING, []);
    await rpc.close();
  });
});

describe("Supabase: a Data API that accepts the request and never answers", () => {
  let server: Server;
  let url: string;
  const requests: IncomingMessage[] = [];
  const closed: IncomingMessage[] = [];
  beforeAll(async () => {
    server = createServer((request) => {
      requests.push(request);
      request.socket.on("close", () => closed.push(request));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it("fails at the limit and aborts the fetch", async () => {
    const rpc = supabaseRpc(url, "service-role-key-for-tests", { timeoutMs: LIMIT_MS });
    expectUnreachable(await rpc.call(PING, []).catch((e: unknown) => e));
    expect(requests).toHaveLength(1);
    // The aborted fetch closes its connection: nothing stays open for an answer no one awaits.
    for (let i = 0; i < 100 && closed.length === 0; i += 1) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(closed).toHaveLength(1);
  });
});

describe.skipIf(!DATABASE_URL)("Postgres: a statement that overruns the limit", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await freshDatabase();
    await db.sql.unsafe(`
      create function public.hookgate_test_wait(p_ms integer) returns jsonb language plpgsql as $$
      begin perform pg_sleep(p_ms / 1000.0); return '{}'::jsonb; end $$`);
  });
  afterAll(() => db?.drop());

  it("fails at the limit, and the server ends the statement (statement_timeout) so the connection is free", async () => {
    const rpc = postgresRpc(db.url, { max: 1, timeoutMs: LIMIT_MS });
    try {
      await rpc.call(PING, []); // connected, so only the statement is timed
      const failure = await rpc.call(TEST_WAIT, [10_000]).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(StoreError);
      expect((failure as StoreError).unreachable).toBe(true);
      const running = async () =>
        (
          await db.sql<{ n: number }[]>`
          select count(*)::int as n from pg_stat_activity
          where datname = current_database() and state = 'active' and query like '%hookgate_test_wait%' and pid <> pg_backend_pid()`
        )[0]!.n;
      for (let i = 0; i < 50 && (await running()) > 0; i += 1) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(await running()).toBe(0);
      // The one connection answers the next call, long before the 10 s sleep would have ended.
      const started = performance.now();
      await rpc.call(PING, []);
      expect(performance.now() - started).toBeLessThan(5_000);
    } finally {
      await rpc.close();
    }
  });
});
