// KV over Upstash Redis's REST API: production on Vercel, where TCP connections do
// not survive between invocations.
import { Redis } from "@upstash/redis";
import type { Kv } from "./port.js";
import { sha1 } from "./lua.js";

export function upstashKv(url: string, token: string): Kv & { client: Redis } {
  const client = new Redis({ url, token, retry: { retries: 1, backoff: () => 50 }, enableTelemetry: false });
  return {
    transport: "upstash",
    shared: true,
    client,
    ping: async () => {
      await client.ping();
    },
    get: (key) => client.get<string>(key).then((v) => (v === null ? null : String(v))),
    set: async (key, value, { px, nx } = {}) => {
      const result = px
        ? nx
          ? await client.set(key, value, { px, nx: true })
          : await client.set(key, value, { px })
        : nx
          ? await client.set(key, value, { nx: true })
          : await client.set(key, value);
      return result === "OK";
    },
    incrBy: async (key, amount, windowMs) => {
      const [count] = await client.multi().incrby(key, amount).pexpire(key, windowMs, "NX").exec<[number, number]>();
      return count;
    },
    del: async (key) => {
      await client.del(key);
    },
    hincrby: async (key, increments, windowMs) => {
      const tx = client.multi();
      for (const [field, by] of Object.entries(increments)) tx.hincrby(key, field, by);
      await tx.pexpire(key, windowMs, "NX").exec();
    },
    hgetall: async (key) => {
      const hash = await client.hgetall<Record<string, unknown>>(key);
      return Object.fromEntries(Object.entries(hash ?? {}).map(([field, value]) => [field, String(value)]));
    },
    // Concurrent calls share one HTTP request: the client pipelines commands issued in
    // the same tick (enableAutoPipelining, on by default).
    script: async (source, keys, args) => {
      try {
        return await client.evalsha(sha1(source), [...keys], [...args]);
      } catch (error) {
        if (!String(error).includes("NOSCRIPT")) throw error;
        return client.eval(source, [...keys], [...args]);
      }
    },
    close: async () => {},
  };
}
