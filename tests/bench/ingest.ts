// npm run bench:ingest — the gateway (npm start, real PostgreSQL) driven with signed,
// unique ClickUp events, alternated in one run with a hand-written server
// (tests/bench/baseline-server.ts: node:http + HMAC + one INSERT), the HTTP floor
// (tests/bench/http-floor-server.ts: node:http answering 200, nothing checked or
// stored) and the INSERT ceiling of the same PostgreSQL (single-row INSERTs straight
// from this process). Beside each throughput, the CPU it cost per webhook, by process:
// the server, PostgreSQL and this process (the load); then a steady 500 req/s for
// latency. The cold import of each function, as built: `npm run bench:cold`.
import autocannon from "autocannon";
import { spawn, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import postgres from "postgres";
import { clickup } from "../../lib/providers/clickup.js";
import { migratePostgres } from "../../lib/store/postgres.js";
import { ROOT } from "../../scripts/routes.js";

const ADMIN_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
/**
 * autocannon paces each connection with its own timer, and the timers fire together:
 * 32 connections at 500 req/s arrive as bursts of 32 every 64 ms, not a steady rate.
 * Ten connections keep the bursts small enough to measure latency at a steady rate.
 */
const STEADY_CONNECTIONS = 10;
const SECRET = "bench-secret";

const database = `hookgate_bench_${process.pid}`;
const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
await admin.unsafe(`create database ${database}`);
const url = Object.assign(new URL(ADMIN_URL), { pathname: `/${database}` }).toString();
await migratePostgres(url);

function start(script: string, port: number, env: Record<string, string> = {}): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", script], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: url,
      PORT: String(port),
      LOG_LEVEL: "warn",
      CLICKUP_WEBHOOK_SECRET: SECRET,
      ...env,
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => {
      if (/ready|listening/.test(chunk.toString())) resolve(child);
    });
    child.on("exit", (code) => reject(new Error(`${script} exited with ${code}`)));
  });
}

let sequence = 0;
/** A fresh signed taskCreated per request: every one is a new event, none a duplicate. */
function uniqueRequest(path: string, clientIp?: string): autocannon.Request {
  return {
    method: "POST" as const,
    path,
    setupRequest: (request) => {
      sequence += 1;
      const body = JSON.stringify({
        event: "taskCreated",
        task_id: `bench-${sequence}`,
        webhook_id: "7fa3ec74-69a8-4530-a251-8a13730bd204",
        history_items: [{ id: `${process.pid}${sequence}`, field: "task_creation", date: String(Date.now()) }],
      });
      const headers = clickup.sign({ body: Buffer.from(body), secret: SECRET, url: "", now: new Date() });
      return { ...request, body, headers: clientIp ? { ...headers, "x-real-ip": clientIp } : headers };
    },
  };
}

type DriveOptions = { overallRate?: number; clientIp?: string; connections?: number };

async function drive(port: number, path: string, { clientIp, ...options }: DriveOptions = {}) {
  const result = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: CONNECTIONS,
    duration: SECONDS,
    requests: [uniqueRequest(path, clientIp)],
    ...options,
  });
  const failures = result.non2xx + result.errors + result.timeouts;
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    total: result.requests.total,
    failures,
  };
}

const format = (r: Awaited<ReturnType<typeof drive>>) =>
  `${r.rps.toFixed(0).padStart(6)} req/s   p50 ${String(r.p50).padStart(3)} ms   p99 ${String(r.p99).padStart(3)} ms   (${r.total} requests, ${r.failures} failed)`;

const children: ChildProcess[] = [];

/**
 * `npm run bench:ingest -- --ratelimit`: the same gateway on Redis (REDIS_URL, default
 * the local one) with the rate limiter off, then on (limits too high ever to refuse,
 * so every request pays for the check), alternated three times; medians compared.
 */
async function rateLimiterCost(): Promise<void> {
  const redis = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
  const modes = {
    off: { RATE_LIMIT_PER_IP: "off", RATE_LIMIT_FAILED_VERIFICATIONS: "off" },
    on: {
      RATE_LIMIT_PER_IP: "1000000000/10s",
      RATE_LIMIT_FAILED_VERIFICATIONS: "100/5m",
      HOOKGATE_TRUST_PROXY: "x-real-ip",
    },
  };
  const rps: Record<keyof typeof modes, number[]> = { off: [], on: [] };
  const cpu: Record<keyof typeof modes, number[]> = { off: [], on: [] };
  let port = 3910;
  for (const mode of ["off", "on", "off", "on", "off", "on"] as const) {
    port += 1;
    const server = await start("scripts/serve.ts", port, { REDIS_URL: redis, ...modes[mode] });
    children.push(server);
    await drive(port, "/api/webhooks/clickup", { overallRate: 200, clientIp: "198.51.100.1" });
    const run = await measured(server, port, "/api/webhooks/clickup", { clientIp: "198.51.100.1" });
    console.log(
      `rate limiter ${mode.padEnd(3)} (Redis) ${format(run)}   gateway CPU ${run.cpu.server.toFixed(0)} µs/request`,
    );
    rps[mode].push(run.rps);
    cpu[mode].push(run.cpu.server);
    server.kill();
  }
  const loss = 1 - median(rps.on) / median(rps.off);
  const cpuShare = median(cpu.on) / median(cpu.off) - 1;
  console.log(`rate limiter cost     ${(loss * 100).toFixed(1)} % of throughput (medians)   (target ≤ 10 %)`);
  console.log(`                      ${(cpuShare * 100).toFixed(1)} % more gateway CPU per request (medians)`);
}

/** A process's user + system CPU time so far, in ms, from /proc (Linux); 0 once it has gone. */
function cpuMillis(pid: number): number {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return 0;
  }
  const fields = stat.slice(stat.lastIndexOf(") ") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15)
  return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
}

/** Every PostgreSQL process on this machine (the postmaster, its backends and workers). */
function postgresPids(): number[] {
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/comm`, "utf8").trim() === "postgres";
      } catch {
        return false;
      }
    })
    .map(Number);
}

/**
 * Where the machine's CPU went during a run: the server's, PostgreSQL's (every process
 * of it, so the ceiling's backends too) and this process's, which generates and signs
 * the load. On two shared cores these three compete: their sum per webhook is what
 * bounds each throughput, not the server's share alone.
 */
function cpuMeter(server?: ChildProcess) {
  const postgresBefore = new Map(postgresPids().map((pid) => [pid, cpuMillis(pid)]));
  const serverBefore = server ? cpuMillis(server.pid!) : 0;
  const loadBefore = process.cpuUsage();
  return (requests: number): CpuShare => {
    const load = process.cpuUsage(loadBefore);
    const postgresMs = postgresPids().reduce((sum, pid) => sum + cpuMillis(pid) - (postgresBefore.get(pid) ?? 0), 0);
    const per = (ms: number) => (ms * 1000) / Math.max(1, requests);
    return {
      server: server ? per(cpuMillis(server.pid!) - serverBefore) : 0,
      postgres: per(postgresMs),
      load: per((load.user + load.system) / 1000),
    };
  };
}

/** CPU µs per webhook (or per row, for the ceiling), by process. */
interface CpuShare {
  server: number;
  postgres: number;
  load: number;
}

/** What the whole machine spent on one webhook. */
const machineCpu = ({ server, postgres, load }: CpuShare) => server + postgres + load;

const cpuLine = (cpu: CpuShare) =>
  `CPU µs/webhook: server ${cpu.server.toFixed(0)} + PostgreSQL ${cpu.postgres.toFixed(0)} + load ${cpu.load.toFixed(0)} = ${machineCpu(cpu).toFixed(0)}`;

/**
 * The INSERT ceiling: single-row INSERTs of an event-shaped row, straight from this
 * process (no HTTP, no verification), CONNECTIONS at once over a pool of 10 — what the
 * same PostgreSQL accepts one row per round trip.
 */
async function insertCeiling(seconds: number) {
  const sql = postgres(url, { max: 10, onnotice: () => {} });
  await sql.unsafe("create table if not exists bench_ceiling (like hookgate.events including all)");
  const headers = { "content-type": "application/json" };
  const latencies: number[] = [];
  const until = performance.now() + seconds * 1000;
  let failures = 0;
  const worker = async () => {
    while (performance.now() < until) {
      sequence += 1;
      const hook = {
        event: "taskCreated",
        task_id: `ceiling-${sequence}`,
        webhook_id: "7fa3ec74-69a8-4530-a251-8a13730bd204",
        history_items: [{ id: `${process.pid}${sequence}`, field: "task_creation", date: String(Date.now()) }],
      };
      const body = Buffer.from(JSON.stringify(hook));
      const started = performance.now();
      try {
        await sql`insert into bench_ceiling (source, provider, dedup_key, event_type, verified, raw_body, payload, headers)
                  values ('clickup', 'clickup', ${`ceiling:${sequence}`}, 'taskCreated', true, ${body},
                          ${sql.json(hook)}, ${sql.json(headers)})`;
        latencies.push(performance.now() - started);
      } catch {
        failures += 1;
      }
    }
  };
  const began = performance.now();
  const meter = cpuMeter();
  await Promise.all(Array.from({ length: CONNECTIONS }, worker));
  const elapsed = (performance.now() - began) / 1000;
  // Read before the pool closes: a backend's CPU leaves /proc with it.
  const cpu = meter(latencies.length);
  await sql.end({ timeout: 5 });
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    Math.round(latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * q))] ?? 0);
  return { rps: latencies.length / elapsed, p50: at(0.5), p99: at(0.99), total: latencies.length, failures, cpu };
}

type Run = Awaited<ReturnType<typeof drive>>;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** A run of one server, with the CPU it cost per webhook (user + system, from /proc). */
async function measured(server: ChildProcess, port: number, path: string, options: DriveOptions = {}) {
  const meter = cpuMeter(server);
  const run = await drive(port, path, options);
  return { ...run, cpu: meter(run.total) };
}
const withCpu = (r: Run & { cpu: CpuShare }) => `${format(r)}\n${" ".repeat(23)}${cpuLine(r.cpu)}`;

try {
  const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
  console.log(
    `bench:ingest — ${CONNECTIONS} connections, ${SECONDS} s per run, ${ROUNDS} alternated rounds, PostgreSQL database ${database}\n`,
  );
  const gateway = await start("scripts/serve.ts", 3901);
  children.push(gateway);
  const baseline = await start("tests/bench/baseline-server.ts", 3902);
  children.push(baseline);
  const floor = await start("tests/bench/http-floor-server.ts", 3903);
  children.push(floor);
  // Warm-up: JIT, pools, plans.
  await drive(3901, "/api/webhooks/clickup", { overallRate: 200 });
  await drive(3902, "/", { overallRate: 200 });
  await drive(3903, "/", { overallRate: 200 });
  await insertCeiling(2);

  const contenders = [
    { name: "hookgate", run: () => measured(gateway, 3901, "/api/webhooks/clickup") },
    { name: "hand-written server", run: () => measured(baseline, 3902, "/") },
    {
      name: "HTTP floor",
      run: () => measured(floor, 3903, "/"),
      note: "(node:http answering 200: nothing checked or stored)",
    },
    { name: "INSERT ceiling", run: () => insertCeiling(SECONDS), note: "(single-row INSERTs from the load process)" },
  ];
  // Each contender's runs, round by round: the ratios and medians are read from these.
  const results = new Map(contenders.map(({ name }) => [name, [] as { rps: number; cpu: CpuShare }[]]));
  const last = (name: string) => results.get(name)!.at(-1)!.rps;
  for (let round = 1; round <= ROUNDS; round += 1) {
    console.log(`round ${round}`);
    for (const { name, run, note } of contenders) {
      const result = await run();
      results.get(name)!.push(result);
      console.log(`  ${name.padEnd(20)} ${withCpu(result)}${note ? `   ${note}` : ""}`);
    }
    console.log(
      `  hookgate/hand-written ${(last("hookgate") / last("hand-written server")).toFixed(2)}   hookgate/INSERT ceiling ${(last("hookgate") / last("INSERT ceiling")).toFixed(2)}`,
    );
  }
  const steady = await measured(gateway, 3901, "/api/webhooks/clickup", {
    overallRate: 500,
    connections: STEADY_CONNECTIONS,
  });
  const steadyBaseline = await measured(baseline, 3902, "/", { overallRate: 500, connections: STEADY_CONNECTIONS });
  for (const child of children) child.kill();

  const rate = (name: string) => median(results.get(name)!.map((r) => r.rps));
  const [hookgate, hand, ceiling] = [rate("hookgate"), rate("hand-written server"), rate("INSERT ceiling")];
  console.log(`\nmedians over ${ROUNDS} rounds`);
  console.log(
    `  hookgate ${hookgate.toFixed(0)} req/s   hand-written ${hand.toFixed(0)} req/s   HTTP floor ${rate("HTTP floor").toFixed(0)} req/s   INSERT ceiling ${ceiling.toFixed(0)} rows/s`,
  );
  console.log(`  hookgate/hand-written    ${(hookgate / hand).toFixed(2)}   (target ≥ 1.5)`);
  console.log(`  hookgate/INSERT ceiling  ${(hookgate / ceiling).toFixed(2)}   (target ≥ 1.0)`);
  const machineLine = contenders
    .map(({ name }) => `${name} ${median(results.get(name)!.map((r) => machineCpu(r.cpu))).toFixed(0)}`)
    .join("   ");
  console.log(`  machine CPU µs/webhook   ${machineLine}   (server + PostgreSQL + load, medians)`);
  console.log(
    `hookgate at 500 req/s      ${withCpu(steady)}   (${STEADY_CONNECTIONS} connections; target p99 ≤ 25 ms)`,
  );
  console.log(`hand-written at 500 req/s  ${withCpu(steadyBaseline)}`);

  if (process.argv.includes("--ratelimit")) await rateLimiterCost();
} finally {
  for (const child of children) child.kill();
  await admin.unsafe(`drop database if exists ${database} with (force)`);
  await admin.end();
}
