// A database outage answers fast, loses nothing and heals fast. Webhooks run through
// the real pipeline against a PostgreSQL this file owns (its own cluster on its own
// port: never the shared server), which the test stops and starts, then freezes and
// thaws, while requests keep coming.
//
// Regression: "a database outage hangs requests instead of answering 503" (issue 13):
// postgres.js queued queries while its pool reconnected (backoff up to 20 s) and
// nothing bounded the wait, so requests were held 20-57 s and answers resumed ~17 s
// after PostgreSQL was back.
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../lib/app.js";
import { settled } from "../../lib/http/after.js";
import type { Endpoint } from "../../lib/http/endpoint.js";
import { webhook } from "../../lib/routes/webhooks.js";
import { standard } from "../../lib/providers/standard.js";
import { migratePostgres, postgresRpc } from "../../lib/store/postgres.js";
import { createStore } from "../../lib/store/store.js";
import { endpointOf, testApp } from "../support/app.js";
import { ownPostgres, postgresBinaries, type OwnPostgres } from "../support/own-postgres.js";
import { signedRequest } from "../support/requests.js";

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
/** HOOKGATE_STORE_TIMEOUT_MS for this file: every answer must come within it + 1 s. */
const LIMIT_MS = 1_000;
const ANSWER_BOUND_MS = LIMIT_MS + 1_000;
/** The first 2xx after PostgreSQL is back must come within this. */
const RECOVERY_BOUND_MS = 5_000;
const OUTAGE_MS = 4_000;
const SENDERS = 8;

const bin = postgresBinaries();
if (!bin)
  console.warn("[hookgate tests] no initdb/pg_ctl under /usr/lib/postgresql/*/bin: the outage tests are SKIPPED");

interface Answer {
  body: string;
  status: number;
  retryAfter: string | null;
  sentAt: number;
  answeredAt: number;
}

describe.skipIf(!bin)("a database outage (a PostgreSQL this test stops and starts)", () => {
  let db: OwnPostgres;
  let gateway: App;
  let hook: Endpoint;
  let sql: postgres.Sql;
  let sequence = 0;

  beforeAll(async () => {
    db = await ownPostgres(bin!);
    await migratePostgres(db.url);
    sql = postgres(db.url, { max: 1, onnotice: () => {} });
    gateway = await testApp(
      { STANDARD_WEBHOOK_SECRET: SECRET, RATE_LIMIT_PER_IP: "off", RATE_LIMIT_FAILED_VERIFICATIONS: "off" },
      { store: createStore(postgresRpc(db.url, { timeoutMs: LIMIT_MS })), route: () => [] },
    );
    hook = endpointOf(webhook(standard), async () => gateway);
  });

  afterAll(async () => {
    await settled();
    await gateway?.close();
    await sql?.end({ timeout: 1 });
    db?.remove();
  });

  /** Sends webhooks from SENDERS concurrent senders until `stop()` is called. */
  function traffic(): { answers: Answer[]; stop(): Promise<void> } {
    const answers: Answer[] = [];
    let running = true;
    const sender = async () => {
      while (running) {
        const body = JSON.stringify({ type: "outage.probe", n: (sequence += 1) });
        const sentAt = performance.now();
        const response = await hook.fetch(
          signedRequest(standard, { secret: SECRET, body, id: `msg_outage_${sequence}` }),
        );
        await response.arrayBuffer();
        answers.push({
          body,
          status: response.status,
          retryAfter: response.headers.get("retry-after"),
          sentAt,
          answeredAt: performance.now(),
        });
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    };
    const senders = Array.from({ length: SENDERS }, sender);
    return {
      answers,
      stop: async () => {
        running = false;
        await Promise.all(senders);
      },
    };
  }

  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  /** Runs traffic through `outage`, then `heal`, until a 2xx came back (or the bound passed). */
  async function through(
    outage: () => void,
    heal: () => void,
  ): Promise<{ answers: Answer[]; downAt: number; upAt: number }> {
    const load = traffic();
    await sleep(1_000);
    const downAt = performance.now();
    outage();
    await sleep(OUTAGE_MS);
    heal();
    const upAt = performance.now();
    const deadline = upAt + RECOVERY_BOUND_MS + 3_000;
    while (performance.now() < deadline && !load.answers.some((a) => a.answeredAt > upAt && a.status < 300))
      await sleep(50);
    await sleep(500);
    await load.stop();
    await settled();
    return { answers: load.answers, downAt, upAt };
  }

  async function storedCounts(): Promise<Map<string, number>> {
    const rows = await sql<{ body: string; n: number }[]>`
      select convert_from(raw_body, 'UTF8') as body, count(*)::int as n from hookgate.events group by 1`;
    return new Map(rows.map((r) => [r.body, r.n]));
  }

  function expectTheDrillHolds(
    { answers, downAt, upAt }: { answers: Answer[]; downAt: number; upAt: number },
    stored: Map<string, number>,
  ) {
    const during = answers.filter((a) => a.sentAt > downAt && a.answeredAt < upAt);
    // The outage was felt (else this proves nothing) and was answered as one.
    expect(during.length).toBeGreaterThan(0);
    expect(during.filter((a) => a.status === 503).length).toBeGreaterThan(0);

    // Every answer came within the limit + 1 s.
    const slowest = Math.max(...answers.map((a) => a.answeredAt - a.sentAt));
    expect(slowest).toBeLessThanOrEqual(ANSWER_BOUND_MS);

    // Every refusal is worth retrying: 503 with Retry-After.
    const refused = answers.filter((a) => a.status >= 300);
    expect(refused.every((a) => a.status === 503 && a.retryAfter !== null)).toBe(true);

    // Every 2xx is stored exactly once.
    const acknowledged = answers.filter((a) => a.status < 300);
    expect(acknowledged.length).toBeGreaterThan(0);
    const missingOrDoubled = acknowledged.filter((a) => stored.get(a.body) !== 1);
    expect(missingOrDoubled).toEqual([]);

    // Answers resumed within seconds of the database coming back.
    const firstAfter = Math.min(...acknowledged.filter((a) => a.answeredAt > upAt).map((a) => a.answeredAt));
    expect(firstAfter - upAt).toBeLessThanOrEqual(RECOVERY_BOUND_MS);
    return { slowest, recoveryMs: firstAfter - upAt, answers: answers.length, refused: refused.length };
  }

  it("answers 503 + Retry-After within the limit while PostgreSQL is stopped, stores every 2xx once, and recovers within 5 s", async () => {
    const run = await through(
      () => db.stop("immediate"),
      () => db.start(),
    );
    const figures = expectTheDrillHolds(run, await storedCounts());
    console.log(`[outage: stopped] ${JSON.stringify(figures)}`);
  }, 60_000);

  it("answers 503 + Retry-After within the limit while PostgreSQL hangs (every process frozen), and recovers within 5 s", async () => {
    const run = await through(
      () => db.freeze(),
      () => db.thaw(),
    );
    const figures = expectTheDrillHolds(run, await storedCounts());
    console.log(`[outage: frozen] ${JSON.stringify(figures)}`);
  }, 60_000);
});
