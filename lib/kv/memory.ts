// KV in process memory: correct for one local process (npm start, tests), and what
// hookgate uses when neither Redis nor Upstash is configured.
import type { Kv } from "./port.js";

interface Entry {
  value: string;
  expiresAt: number;
}

interface HashEntry {
  fields: Map<string, number>;
  expiresAt: number;
}

export function memoryKv(now: () => number = Date.now): Kv {
  const entries = new Map<string, Entry>();
  const hashes = new Map<string, HashEntry>();
  const live = <T extends { expiresAt: number }>(map: Map<string, T>, key: string): T | undefined => {
    const entry = map.get(key);
    if (entry && entry.expiresAt <= now()) {
      map.delete(key);
      return undefined;
    }
    return entry;
  };
  // Expired keys nobody reads again (per-minute, per-IP counters) are swept whenever
  // the maps have doubled since the last sweep: memory stays bounded by what is live.
  let sweepAt = 1024;
  const grew = () => {
    if (entries.size + hashes.size < sweepAt) return;
    const t = now();
    for (const map of [entries, hashes] as Map<string, { expiresAt: number }>[]) {
      for (const [key, entry] of map) if (entry.expiresAt <= t) map.delete(key);
    }
    sweepAt = Math.max(1024, (entries.size + hashes.size) * 2);
  };
  return {
    transport: "memory",
    shared: false,
    ping: async () => {},
    get: async (key) => live(entries, key)?.value ?? null,
    set: async (key, value, { px, nx } = {}) => {
      grew();
      if (nx && live(entries, key)) return false;
      entries.set(key, { value, expiresAt: px ? now() + px : Infinity });
      return true;
    },
    incrBy: async (key, amount, windowMs) => {
      grew();
      const entry = live(entries, key);
      const value = Number(entry?.value ?? 0) + amount;
      entries.set(key, { value: String(value), expiresAt: entry?.expiresAt ?? now() + windowMs });
      return value;
    },
    del: async (key) => {
      entries.delete(key);
      hashes.delete(key);
    },
    hincrby: async (key, increments, windowMs) => {
      grew();
      let hash = live(hashes, key);
      if (!hash) hashes.set(key, (hash = { fields: new Map(), expiresAt: now() + windowMs }));
      for (const [field, by] of Object.entries(increments)) hash.fields.set(field, (hash.fields.get(field) ?? 0) + by);
    },
    hgetall: async (key) => {
      const hash = live(hashes, key);
      return Object.fromEntries([...(hash?.fields ?? [])].map(([field, value]) => [field, String(value)]));
    },
    close: async () => {
      entries.clear();
      hashes.clear();
    },
  };
}
