// KV in process memory: correct for one local process (npm start, tests), and what
// hookgate uses when neither Redis nor Upstash is configured.
import type { Kv } from "./port.js";

interface Entry {
  value: string;
  expiresAt: number;
}

export function memoryKv(now: () => number = Date.now): Kv {
  const entries = new Map<string, Entry>();
  const live = (key: string): Entry | undefined => {
    const entry = entries.get(key);
    if (entry && entry.expiresAt <= now()) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  };
  return {
    transport: "memory",
    ping: async () => {},
    get: async (key) => live(key)?.value ?? null,
    set: async (key, value, { px, nx } = {}) => {
      if (nx && live(key)) return false;
      entries.set(key, { value, expiresAt: px ? now() + px : Infinity });
      return true;
    },
    incr: async (key, windowMs) => {
      const entry = live(key);
      const value = Number(entry?.value ?? 0) + 1;
      entries.set(key, { value: String(value), expiresAt: entry?.expiresAt ?? now() + windowMs });
      return value;
    },
    del: async (key) => {
      entries.delete(key);
    },
    close: async () => entries.clear(),
  };
}
