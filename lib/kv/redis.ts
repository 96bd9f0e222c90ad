// KV over plain Redis (TCP, REDIS_URL) with ioredis.
import { Redis } from "ioredis";
import type { Kv } from "./port.js";
import { forPlainRedis } from "./lua.js";

export function redisKv(url: string): Kv & { client: Redis } {
  const client = new Redis(url, {
    // Fail fast: hot counters must never hold a webhook hostage.
    connectTimeout: 2000,
    commandTimeout: 1000,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: true,
    lazyConnect: false,
    // Commands issued in the same tick leave in one socket write. ioredis otherwise
    // writes each command on its own, and on a busy or sandboxed host each write is a
    // costly syscall: the rate-limit checks of one request (and of concurrent ones)
    // become one write instead of two or more.
    enableAutoPipelining: true,
  });
  client.on("error", () => {}); // reported by the failing command, not as an unhandled event
  return {
    transport: "redis",
    shared: true,
    client,
    ping: async () => {
      await client.ping();
    },
    get: (key) => client.get(key),
    set: async (key, value, { px, nx } = {}) => {
      const args: (string | number)[] = [];
      if (px) args.push("PX", px);
      if (nx) args.push("NX");
      return (await client.call("SET", key, value, ...args)) === "OK";
    },
    incrBy: async (key, amount, windowMs) => {
      const [[, count]] = (await client.multi().incrby(key, amount).pexpire(key, windowMs, "NX").exec()) as [
        [null, number],
      ];
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
    hgetall: (key) => client.hgetall(key),
    script: async (source, keys, args) => {
      const script = forPlainRedis(source);
      const argv = [...keys, ...args.map(String)];
      try {
        return await client.evalsha(script.sha, keys.length, ...argv);
      } catch (error) {
        if (!String(error).includes("NOSCRIPT")) throw error;
        return client.eval(script.source, keys.length, ...argv);
      }
    },
    close: async () => {
      client.disconnect();
    },
  };
}
