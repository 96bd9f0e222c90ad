// Fixed-window counters: @upstash/ratelimit on Redis or Upstash (shared by every
// function instance), or the same arithmetic in process memory when there is no Redis.
// Both count in buckets of `floor(now / window)`, so they agree on when a window ends.
import type { Ratelimit } from "@upstash/ratelimit";
import type { RateSpec } from "../config/rate-spec.js";
import { sha1 } from "../kv/lua.js";
import type { Kv } from "../kv/port.js";

export interface WindowState {
  /** True while the window has room (after counting, for `hit`). */
  allowed: boolean;
  limit: number;
  remaining: number;
  /** When the window ends (epoch ms). */
  resetAt: number;
}

export interface WindowCounter {
  readonly spec: RateSpec;
  /** Counts `count` requests (default 1) and says whether they fit. */
  hit(id: string, count?: number): Promise<WindowState>;
  /** The window's state without counting: allowed while fewer than `limit` were counted. */
  peek(id: string): Promise<WindowState>;
}

/** Counters on the KV: the library's scripts when it runs Lua, memory otherwise. */
export async function windowCounters(
  kv: Kv,
  now: () => number = Date.now,
): Promise<(name: string, spec: RateSpec) => WindowCounter> {
  if (!kv.script) return (name, spec) => memoryWindow(spec, now);
  // Imported only when a Redis is configured: a memory-KV function never loads it.
  const { Ratelimit } = await import("@upstash/ratelimit");
  const redis = scriptRunner(kv as Kv & Required<Pick<Kv, "script">>);
  return (name, spec) => libraryWindow(Ratelimit, redis, `hookgate:rl:${name}`, spec);
}

function libraryWindow(Class: typeof Ratelimit, redis: unknown, prefix: string, spec: RateSpec): WindowCounter {
  const ratelimit = new Class({
    redis: redis as ConstructorParameters<typeof Ratelimit>[0]["redis"],
    limiter: Class.fixedWindow(spec.limit, `${spec.windowMs} ms`),
    prefix,
    // The caller races its own timeout around every call, hit and peek alike.
    timeout: 0,
    analytics: false,
    enableProtection: false,
  });
  return {
    spec,
    hit: async (id, count = 1) => {
      const r = await ratelimit.limit(id, { rate: count });
      return { allowed: r.success, limit: r.limit, remaining: r.remaining, resetAt: r.reset };
    },
    peek: async (id) => {
      const r = await ratelimit.getRemaining(id);
      return { allowed: r.remaining > 0, limit: r.limit, remaining: r.remaining, resetAt: r.reset };
    },
  };
}

/**
 * The library's view of Redis (`evalsha`, `eval`, `get`, `set`) over the KV port. The
 * transport decides how a script runs (by SHA1, with the shebang flags plain Redis
 * rejects removed); here the library's own hashes map back to their sources.
 */
function scriptRunner(kv: Kv & Required<Pick<Kv, "script">>) {
  const sources = new Map<string, string>();
  return {
    evalsha: async (sha: string, keys: string[], args: unknown[]) => {
      const source = sources.get(sha);
      // The library answers NOSCRIPT by calling eval with the source: no round trip here.
      if (source === undefined) throw new Error("NOSCRIPT not yet seen by this instance");
      return kv.script(source, keys, args);
    },
    eval: async (source: string, keys: string[], args: unknown[]) => {
      sources.set(sha1(source), source);
      return kv.script(source, keys, args);
    },
    get: (key: string) => kv.get(key),
    set: (key: string, value: string) => kv.set(key, String(value)),
  };
}

/** Bounded: stale buckets are swept once the map grows past this many keys. */
const MEMORY_WINDOW_KEYS = 10_000;

export function memoryWindow(spec: RateSpec, now: () => number = Date.now): WindowCounter {
  const counts = new Map<string, { bucket: number; count: number }>();
  const state = (id: string, add: number): WindowState => {
    const bucket = Math.floor(now() / spec.windowMs);
    let entry = counts.get(id);
    if (!entry || entry.bucket !== bucket) {
      if (counts.size >= MEMORY_WINDOW_KEYS) {
        for (const [key, e] of counts) if (e.bucket !== bucket) counts.delete(key);
        // Still full (many clients in one window): the oldest entries go first.
        for (const key of counts.keys()) {
          if (counts.size < MEMORY_WINDOW_KEYS) break;
          counts.delete(key);
        }
      }
      entry = { bucket, count: 0 };
      if (add > 0) counts.set(id, entry);
    }
    entry.count += add;
    const used = entry.count;
    return {
      allowed: add > 0 ? used <= spec.limit : used < spec.limit,
      limit: spec.limit,
      remaining: Math.max(0, spec.limit - used),
      resetAt: (bucket + 1) * spec.windowMs,
    };
  };
  return { spec, hit: async (id, count = 1) => state(id, count), peek: async (id) => state(id, 0) };
}
