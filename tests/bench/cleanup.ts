// npm run bench:cleanup — retention at scale on real PostgreSQL (DATABASE_URL, default
// postgres://postgres@127.0.0.1:5432/test; a database of its own is created and dropped).
//
//   1. seeds BENCH_CLEANUP_EVENTS (1,000,000) expired events, each with one delivered
//      delivery and one attempt, plus 1,000 recent events and a pending old one that must stay
//   2. idle: the ingest call (hookgate_ingest through the postgres transport, as a
//      function instance makes it) at a steady BENCH_CLEANUP_RATE per second; p50/p99
//   3. the cleanup cron's loop with the budget of one invocation (maxDuration 300 s less
//      its 30 s margin), on connections of its own, while the same ingest load runs
//   4. idle again after it; the lower of the two idle p99s is the baseline
//   5. prints the figures; exits 1 if anything expired is left, anything kept was
//      deleted, or ingest p99 during the run exceeds 2× idle.
import postgres from "postgres";
import { cleanup, retentionPolicy } from "../../lib/operations/retention.js";
import { CLEANUP_MAX_DURATION_SECONDS } from "../../lib/routes/operations.js";
import { loadConfig } from "../../lib/config/env.js";
import { migratePostgres, postgresRpc } from "../../lib/store/postgres.js";
import { createStore } from "../../lib/store/store.js";

const ADMIN_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const EVENTS = Number(process.env.BENCH_CLEANUP_EVENTS ?? 1_000_000);
const RATE = Number(process.env.BENCH_CLEANUP_RATE ?? 200);
const IDLE_SECONDS = Number(process.env.BENCH_CLEANUP_IDLE_SECONDS ?? 15);
const BUDGET_MS = CLEANUP_MAX_DURATION_SECONDS * 1000 - 30_000;

const database = `hookgate_bench_cleanup_${process.pid}`;
const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
await admin.unsafe(`create database ${database}`);
const url = Object.assign(new URL(ADMIN_URL), { pathname: `/${database}` }).toString();

try {
  await migratePostgres(url);
  const sql = postgres(url, { max: 1, onnotice: () => {} });

  console.log(`seeding ${EVENTS.toLocaleString("en-US")} expired events (+ a delivery and an attempt each)...`);
  const seedStarted = performance.now();
  const CHUNK = 100_000;
  for (let from = 1; from <= EVENTS; from += CHUNK) {
    const to = Math.min(EVENTS, from + CHUNK - 1);
    await sql.unsafe(`
      with e as (
        insert into hookgate.events (source, provider, dedup_key, event_type, verified, received_at, raw_body, payload, headers, ack_ms)
        select 'stripe', 'stripe', 'old-' || n, 'charge.succeeded', true,
               now() - interval '40 days' - make_interval(secs => ${EVENTS} - n), -- in arrival order, one a second, as a real table fills
               convert_to('{"id":"evt_' || n || '","object":"event","type":"charge.succeeded"}', 'UTF8'),
               jsonb_build_object('id', 'evt_' || n), '{"content-type":"application/json"}', 12
          from generate_series(${from}, ${to}) n
        returning id, received_at
      ), d as (
        insert into hookgate.deliveries (event_id, destination, status, attempts, created_at, delivered_at, next_attempt_at)
        select id, 'agent', 'delivered', 1, received_at, received_at, received_at from e
        returning id, created_at
      )
      insert into hookgate.delivery_attempts (delivery_id, attempt, attempted_at, duration_ms, outcome, status, response)
      select id, 1, created_at, 40, 'delivered', 200, '{"ok":true}' from d`);
    process.stdout.write(`  ${to.toLocaleString("en-US")}\r`);
  }
  await sql.unsafe(`
    insert into hookgate.events (source, provider, dedup_key, event_type, verified, received_at, raw_body)
    select 'stripe', 'stripe', 'recent-' || n, 't', true, now() - interval '1 day', '\\x7b7d' from generate_series(1, 1000) n;
    insert into hookgate.events (source, provider, dedup_key, event_type, verified, received_at, raw_body)
    values ('stripe', 'stripe', 'old-but-pending', 't', true, now() - interval '40 days', '\\x7b7d');
    insert into hookgate.deliveries (event_id, destination, status)
    select id, 'agent', 'pending' from hookgate.events where dedup_key = 'old-but-pending';`);
  await sql.unsafe("vacuum analyze");
  await sql.unsafe("checkpoint"); // so the idle figures are not taken during the seed's writes
  const rows = await counts(sql);
  console.log(
    `seeded in ${seconds(performance.now() - seedStarted)}: ${fmt(rows.events)} events, ${fmt(rows.deliveries)} deliveries, ${fmt(rows.attempts)} attempts`,
  );

  // Ingest: a store of its own, as another function instance would have.
  const ingestStore = createStore(postgresRpc(url, { max: 10 }));
  let sequence = 0;
  const ingestOnce = () =>
    ingestStore.events.ingest({
      source: "stripe",
      provider: "stripe",
      dedupKey: `live-${++sequence}`,
      type: "charge.succeeded",
      verified: true,
      body: Buffer.from(`{"id":"evt_live_${sequence}","type":"charge.succeeded"}`),
      payload: { id: `evt_live_${sequence}` },
      headers: { "content-type": "application/json" },
      destinations: ["agent"],
      leaseSeconds: 60,
      elapsedMs: 1,
    });
  for (let i = 0; i < 200; i++) await ingestOnce(); // warm the connections and plans

  console.log(`idle: ingest at ${RATE}/s for ${IDLE_SECONDS} s...`);
  const idle = await steadyLoad(ingestOnce, RATE, () => sleep(IDLE_SECONDS * 1000));

  console.log(`cleanup with a budget of ${seconds(BUDGET_MS)}, ingest at ${RATE}/s alongside...`);
  const cleanupStore = createStore(postgresRpc(url, { max: 2 }));
  const policy = retentionPolicy(loadConfig({ LOG_LEVEL: "silent" }).env);
  let report: Awaited<ReturnType<typeof cleanup>> | undefined;
  const checkpointsBefore = await checkpoints(admin);
  const during = await steadyLoad(ingestOnce, RATE, async () => {
    report = await cleanup(cleanupStore.retention, policy, {
      deadline: new Date(Date.now() + BUDGET_MS),
      onBatch: process.env.BENCH_VERBOSE
        ? (b) => console.log(`  batch ${b.table} ${b.size}: ${b.deleted} in ${b.ms.toFixed(0)} ms`)
        : undefined,
    });
  });
  await cleanupStore.close();
  const checkpointsDuring = (await checkpoints(admin)) - checkpointsBefore;
  // Idle again, after: the stricter of the two idle figures is the baseline.
  console.log(`idle again: ingest at ${RATE}/s for ${IDLE_SECONDS} s...`);
  const idleAfter = await steadyLoad(ingestOnce, RATE, () => sleep(IDLE_SECONDS * 1000));
  await ingestStore.close();
  const baseline = idle.p99 <= idleAfter.p99 ? idle : idleAfter;

  const after = await counts(sql);
  const expiredLeft = Number(
    (
      await sql.unsafe(
        `select count(*) as n from hookgate.events where dedup_key like 'old-%' and dedup_key <> 'old-but-pending'`,
      )
    )[0]!.n,
  );
  const keptOk =
    Number(
      (
        await sql.unsafe(
          `select count(*) as n from hookgate.events where dedup_key like 'recent-%' or dedup_key = 'old-but-pending' or dedup_key like 'live-%'`,
        )
      )[0]!.n,
    ) ===
    1001 + sequence;
  await sql.end();

  const r = report!;
  const deletedRows = r.events + r.deliveries + r.attempts;
  const ratio = during.p99 / baseline.p99;
  console.log("");
  console.log("bench:cleanup on PostgreSQL", (await admin.unsafe("show server_version"))[0]!.server_version);
  console.log(
    `  deleted          ${fmt(r.events)} events + ${fmt(r.deliveries)} deliveries + ${fmt(r.attempts)} attempts = ${fmt(deletedRows)} rows`,
  );
  console.log(
    `  time             ${seconds(r.durationMs)} of a ${seconds(BUDGET_MS)} budget (${r.batches} batches, ${fmt(Math.round(r.events / (r.durationMs / 1000)))} events/s), stopped by: ${r.stoppedBy}`,
  );
  console.log(
    `  left             ${fmt(expiredLeft)} expired events; kept: recent, pending and live events ${keptOk ? "all present" : "MISSING"}; ${fmt(after.events)} events remain`,
  );
  console.log(
    `  ingest idle      p50 ${ms(idle.p50)}  p99 ${ms(idle.p99)}  max ${ms(idle.max)}  (${fmt(idle.count)} calls, before)`,
  );
  console.log(
    `  ingest idle      p50 ${ms(idleAfter.p50)}  p99 ${ms(idleAfter.p99)}  max ${ms(idleAfter.max)}  (${fmt(idleAfter.count)} calls, after)`,
  );
  console.log(
    `  ingest cleanup   p50 ${ms(during.p50)}  p99 ${ms(during.p99)}  max ${ms(during.max)}  (${fmt(during.count)} calls)`,
  );
  console.log(
    `  p99 per 30 s    ${during.windows} ms during; ${checkpointsDuring} checkpoints on the server meanwhile (any database)`,
  );
  console.log(`  p99 ratio        ${ratio.toFixed(2)}× the lower idle p99 (limit 2×)`);
  const ok = expiredLeft === 0 && keptOk && r.stoppedBy === "idle" && ratio <= 2;
  console.log(ok ? "PASS" : "FAIL");
  process.exitCode = ok ? 0 : 1;
} finally {
  await admin.unsafe(`drop database if exists ${database} with (force)`);
  await admin.end();
}

/** Calls `call` at `rate` per second (open loop: a slow call does not slow the schedule) until `during` ends. */
async function steadyLoad(call: () => Promise<unknown>, rate: number, during: () => Promise<void>) {
  const latencies: number[] = [];
  const timeline: [number, number][] = [];
  const inFlight = new Set<Promise<void>>();
  let running = true;
  const started = performance.now();
  let issued = 0;
  let failures = 0;
  const ticker = (async () => {
    while (running) {
      const due = Math.floor(((performance.now() - started) / 1000) * rate);
      for (; issued < due; issued++) {
        const t0 = performance.now();
        const p: Promise<void> = call()
          .then(
            () => {
              latencies.push(performance.now() - t0);
              timeline.push([t0 - started, performance.now() - t0]);
            },
            () => void failures++,
          )
          .finally(() => inFlight.delete(p));
        inFlight.add(p);
      }
      await sleep(2);
    }
  })();
  await during();
  running = false;
  await ticker;
  await Promise.all(inFlight);
  if (failures > 0) throw new Error(`${failures} ingest calls failed`);
  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!;
  // p99 per 30 s window: shows whether slow calls are spread out or bunched (a checkpoint).
  const windows: string[] = [];
  for (let from = 0; from < performance.now() - started; from += 30_000) {
    const w = timeline
      .filter(([t]) => t >= from && t < from + 30_000)
      .map(([, l]) => l)
      .sort((a, b) => a - b);
    if (w.length > 0) windows.push(w[Math.min(w.length - 1, Math.floor(0.99 * w.length))]!.toFixed(0));
  }
  return { count: latencies.length, p50: q(0.5), p99: q(0.99), max: latencies.at(-1)!, windows: windows.join(" ") };
}

async function checkpoints(sql: postgres.Sql): Promise<number> {
  const [row] = await sql.unsafe("select checkpoints_req + checkpoints_timed as n from pg_stat_bgwriter");
  return Number(row!.n);
}

async function counts(sql: postgres.Sql) {
  const [row] = await sql.unsafe(`select (select count(*) from hookgate.events) as events,
    (select count(*) from hookgate.deliveries) as deliveries, (select count(*) from hookgate.delivery_attempts) as attempts`);
  return { events: Number(row!.events), deliveries: Number(row!.deliveries), attempts: Number(row!.attempts) };
}

function sleep(ms: number): Promise<void> {
  return new Promise<void>((resolve) => setTimeout(resolve, ms));
}
function fmt(n: number) {
  return n.toLocaleString("en-US");
}
function ms(v: number) {
  return `${v.toFixed(2)} ms`;
}
function seconds(v: number) {
  return `${(v / 1000).toFixed(1)} s`;
}
