// KV over Upstash Redis's REST API: production on Vercel, where TCP connections do
// not survive between invocations.
import { Redis } from "@upstash/redis";
import type { Kv } from "./port.js";

export function upstashKv(url: string, token: string): Kv & { client: Redis } {
  const client = new Redis({ url, token, retry: { retries: 1, backoff: () => 50 }, enableTelemetry: false });
  return {
    transport: "upstash",
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
    incr: async (key, windowMs) => {
      const [count] = await client.multi().incr(key).pexpire(key, windowMs, "NX").exec<[number, number]>();
      return count;
    },
    del: async (key) => {
      await client.del(key);
    },
    close: async () => {},
  };
}
