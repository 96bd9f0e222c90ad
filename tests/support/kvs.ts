// Shared by the security tests: gateways on each KV (memory always; real Redis and
// Upstash-over-REST-to-that-Redis when REDIS_URL is set), each under its own key
// prefix, and signed ClickUp requests from a chosen client IP.
import { randomUUID } from "node:crypto";
import type { Kv } from "../../lib/kv/port.js";
import { memoryKv } from "../../lib/kv/memory.js";
import { prefixedKv } from "../../lib/kv/prefixed.js";
import { redisKv } from "../../lib/kv/redis.js";
import { upstashKv } from "../../lib/kv/upstash.js";
import { clickup } from "../../lib/providers/clickup.js";
import type { Store } from "../../lib/store/store.js";
import { memoryStore } from "./app.js";
import { startUpstashRest, type UpstashRestServer } from "./upstash-rest.js";
import { sample, signedRequest } from "./requests.js";

export const REDIS_URL = process.env.REDIS_URL;
export const SECRET = "clickup-security-secret";
const taskCreated = sample("clickup", "taskCreated.json");

/** A unique key prefix per test: tests sharing one Redis never see each other's counters. */
export const uniquePrefix = () => `test:${randomUUID()}:`;

export interface KvUnderTest {
  name: "memory" | "redis" | "upstash";
  open(): Promise<{ kv: Kv; upstash?: UpstashRestServer; close(): Promise<void> }>;
}

export const kvs: KvUnderTest[] = [
  {
    name: "memory",
    open: async () => {
      const kv = memoryKv();
      return { kv, close: () => kv.close() };
    },
  },
  {
    name: "redis",
    open: async () => {
      const kv = redisKv(REDIS_URL!);
      return { kv: prefixedKv(kv, uniquePrefix()), close: () => kv.close() };
    },
  },
  {
    name: "upstash",
    open: async () => {
      const upstash = await startUpstashRest(REDIS_URL!);
      const kv = upstashKv(upstash.url, upstash.token);
      return { kv: prefixedKv(kv, uniquePrefix()), upstash, close: () => upstash.close() };
    },
  },
];

/** The KVs this run can test: memory always, the Redis-backed ones with REDIS_URL. */
export const availableKvs = kvs.filter((k) => k.name === "memory" || REDIS_URL);

let n = 0;
/** A valid ClickUp webhook, distinct each call (its own history item id). */
export function validRequest(
  ip: string,
  extra: { secret?: string; headers?: Record<string, string | null> } = {},
): Request {
  n += 1;
  const body = taskCreated.replace("2800763136717140857", `${Date.now()}${n}`);
  return signedRequest(clickup, {
    secret: extra.secret ?? SECRET,
    body,
    headers: { "x-real-ip": ip, ...extra.headers },
  });
}

/** Signed with the wrong secret: a bad_signature from `ip`. */
export const forgedRequest = (ip: string) => validRequest(ip, { secret: "not-the-secret" });

let sharedStore: Promise<Store> | undefined;
/**
 * One embedded store per test file, shared by its gateways (opening PGlite takes
 * seconds); closing a gateway leaves it open. Every test sends distinct events.
 */
export function fileStore(): Promise<Store> {
  sharedStore ??= memoryStore().then((store) => ({ ...store, close: async () => {} }));
  return sharedStore;
}

/** Every line written to stdout (hookgate's structured logs) until `stop()`. */
export function captureStdout(): { lines: string[]; records(): Record<string, unknown>[]; stop(): void } {
  const lines: string[] = [];
  const original = process.stdout.write.bind(process.stdout);
  process.stdout.write = (chunk: string | Uint8Array, ...rest: unknown[]) => {
    lines.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
    return (original as (...a: unknown[]) => boolean)(chunk, ...rest);
  };
  return {
    lines,
    records: () =>
      lines
        .flatMap((l) => l.split("\n"))
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    stop: () => {
      process.stdout.write = original;
    },
  };
}
