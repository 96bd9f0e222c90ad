// npm run bench:deliver — 10,000 due deliveries drained by the cron worker to a local
// receiver, on real PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test;
// the bench creates and drops a scratch database of its own). Prints deliveries/s and
// the store round trips per delivery.
//
// The receiver runs in a child process (its own core), as a downstream service would.
import { fork, type ChildProcess } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import postgres from "postgres";
import { loadConfig } from "../../lib/config/env.js";
import { DEFAULT_CONCURRENCY, DEFAULT_LANES } from "../../lib/delivery/engine.js";
import { openApp } from "../../lib/app.js";
import { memoryKv } from "../../lib/kv/memory.js";
import { forward } from "../../lib/routing/define.js";
import { compileRouting } from "../../lib/routing/table.js";
import { migratePostgres, postgresRpc } from "../../lib/store/postgres.js";
import type { SqlFunction } from "../../lib/store/port.js";
import { createStore } from "../../lib/store/store.js";

if (process.argv[2] === "receiver") {
  // Child: answers every POST with 204 after reading it.
  let count = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      count++;
      res.writeHead(204).end();
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, "127.0.0.1", () => process.send!({ port: (server.address() as AddressInfo).port }));
  process.on("message", () => process.send!({ count }));
} else {
  await main();
}

async function main(): Promise<void> {
  const DELIVERIES = Number(process.env.BENCH_DELIVERIES ?? 10_000);
  const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? DEFAULT_CONCURRENCY);
  const LANES = Number(process.env.BENCH_LANES ?? DEFAULT_LANES);
  const ADMIN_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

  const database = `hookgate_bench_deliver_${process.pid}`;
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${database}`);
  const url = Object.assign(new URL(ADMIN_URL), { pathname: `/${database}` }).toString();
  const child: ChildProcess = fork(new URL(import.meta.url).pathname, ["receiver"], {
    execArgv: ["--import", "tsx"],
    stdio: "inherit",
  });
  try {
    await migratePostgres(url);
    const port = await new Promise<number>((resolve) =>
      child.once("message", (m: { port: number }) => resolve(m.port)),
    );

    // 10,000 recorded events with one due delivery each (1 KiB bodies), written directly.
    const sql = postgres(url, { max: 1, onnotice: () => {} });
    await sql.unsafe(`
      with e as (
        insert into hookgate.events (source, provider, dedup_key, event_type, verified, raw_body, payload, headers)
        select 'clickup', 'clickup', 'bench-' || n, 'taskCreated', true,
               convert_to(json_build_object('event', 'taskCreated', 'n', n, 'pad', repeat('x', 1000))::text, 'UTF8'),
               jsonb_build_object('event', 'taskCreated', 'n', n), '{"content-type": "application/json"}'
          from generate_series(1, ${DELIVERIES}) as n
        returning id
      )
      insert into hookgate.deliveries (event_id, destination, next_attempt_at)
      select id, 'receiver', now() - interval '1 second' from e`);
    // What autovacuum does soon after a bulk load; a live table always has statistics.
    await sql.unsafe("analyze hookgate.events; analyze hookgate.deliveries");
    await sql.end();

    const rpc = postgresRpc(url, { max: 10 });
    let roundTrips = 0;
    const storeMs: Record<string, number> = {};
    const counted = {
      ...rpc,
      call: async <T>(fn: SqlFunction, values: readonly unknown[]) => {
        roundTrips++;
        const t = performance.now();
        try {
          return await rpc.call<T>(fn, values);
        } finally {
          storeMs[fn.name] = (storeMs[fn.name] ?? 0) + performance.now() - t;
        }
      },
    };
    const config = loadConfig({ LOG_LEVEL: "warn" });
    const routing = compileRouting(
      {
        destinations: {
          receiver: forward({
            url: `http://127.0.0.1:${port}/hook`,
            secret: "whsec_" + Buffer.alloc(32, 1).toString("base64"),
          }),
        },
        routes: [],
      },
      { env: config.env, providers: [] },
    );
    const gateway = await openApp(config, { store: createStore(counted), kv: memoryKv(), routing });
    const worker = await gateway.engine();

    const started = performance.now();
    const report = await worker.drain({ concurrency: CONCURRENCY, lanes: LANES });
    const seconds = (performance.now() - started) / 1000;

    const received = await new Promise<number>((resolve) => {
      child.once("message", (m: { count: number }) => resolve(m.count));
      child.send("count");
    });
    const [row] =
      await rpc.sql`select count(*) filter (where status = 'delivered')::int as delivered, count(*)::int as total from hookgate.deliveries`;
    await gateway.close();

    console.log(
      `bench:deliver  ${DELIVERIES} due deliveries, ${LANES} lanes × ${CONCURRENCY} at a time, PostgreSQL, receiver in a child process`,
    );
    console.log(`  drained in        ${seconds.toFixed(2)} s`);
    console.log(`  deliveries/s      ${Math.round(report.delivered / seconds)}`);
    console.log(
      `  store round trips ${roundTrips} (${(roundTrips / DELIVERIES).toFixed(3)} per delivery: one claim and one record per batch)`,
    );
    console.log(
      `  store time        ${Object.entries(storeMs)
        .map(([fn, ms]) => `${fn} ${Math.round(ms)} ms`)
        .join(", ")} (summed over lanes)`,
    );
    console.log(
      `  receiver got      ${received}; delivered ${row?.delivered} of ${row?.total}; report ${JSON.stringify(report)}`,
    );
    if (row?.delivered !== DELIVERIES || received !== DELIVERIES) process.exitCode = 1;
  } finally {
    child.kill();
    await admin.unsafe(`drop database if exists ${database} with (force)`);
    await admin.end();
  }
}
