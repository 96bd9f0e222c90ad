// npm run bench:ratelimit — what the rate limiter costs one request, on real Redis
// (REDIS_URL, default the local one) and in memory: wall time per check under
// concurrency, its latency, and the CPU it takes from the function, beside one bare
// Redis round trip (GET), the floor of a check that has to ask Redis.
import { createLimits } from "../../lib/shield/limits.js";
import { memoryKv } from "../../lib/kv/memory.js";
import { prefixedKv } from "../../lib/kv/prefixed.js";
import { redisKv } from "../../lib/kv/redis.js";
import type { Kv } from "../../lib/kv/port.js";

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const CHECKS = Number(process.env.BENCH_CHECKS ?? 20_000);
const CONCURRENCY = Number(process.env.BENCH_CONNECTIONS ?? 32);

interface Result {
  perSecond: number;
  p50: number;
  p99: number;
  cpuMicros: number;
}

async function measure(check: (i: number) => Promise<unknown>): Promise<Result> {
  for (let i = 0; i < 500; i++) await check(i); // warm-up: JIT, scripts cached
  const latencies: number[] = [];
  let next = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < CHECKS) {
        const i = next++;
        const t = performance.now();
        await check(i);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  latencies.sort((a, b) => a - b);
  return {
    perSecond: CHECKS / seconds,
    p50: latencies[Math.floor(latencies.length * 0.5)]!,
    p99: latencies[Math.floor(latencies.length * 0.99)]!,
    cpuMicros: (used.user + used.system) / CHECKS,
  };
}

const limitsOn = (kv: Kv) =>
  createLimits(kv, {
    // High enough never to refuse: every check pays the full cost.
    perIp: { limit: 1_000_000_000, windowMs: 10_000 },
    failedVerifications: { limit: 20, windowMs: 300_000 },
    perSource: {},
    timeoutMs: 1_000,
  });

const show = (label: string, r: Result) =>
  console.log(
    `${label.padEnd(34)} ${r.perSecond.toFixed(0).padStart(7)} checks/s   p50 ${r.p50.toFixed(2).padStart(5)} ms   p99 ${r.p99.toFixed(2).padStart(5)} ms   CPU ${r.cpuMicros.toFixed(0).padStart(4)} µs/check`,
  );

console.log(
  `bench:ratelimit — ${CHECKS} checks, ${CONCURRENCY} at a time, Redis ${REDIS_URL.replace(/\/\/.*@/, "//…@")}\n`,
);

const redis = redisKv(REDIS_URL);
const kv = prefixedKv(redis, `bench:${process.pid}:`);
show("one bare Redis round trip (GET)", await measure(() => kv.get("nothing")));
const onRedis = await limitsOn(kv);
const ips = Array.from({ length: 50 }, (_, i) => `198.51.100.${i}`);
// Every check from a client never seen: each one asks Redis (the worst case).
const fresh = (i: number) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
show(
  "limiter on Redis, new client each",
  await measure((i) => onRedis.admit(fresh(Math.floor(i + 1_000_000 * Math.random())), "clickup")),
);
// 50 steady clients: one check per client per SYNC_MS, the rest within allowances.
show("limiter on Redis, 50 steady clients", await measure((i) => onRedis.admit(ips[i % ips.length]!, "clickup")));
const onMemory = await limitsOn(memoryKv());
show("limiter in memory", await measure((i) => onMemory.admit(ips[i % ips.length]!, "clickup")));
await redis.close();
