// Chooses the KV transport from the config, importing only the chosen client.
import type { KvTarget } from "../config/env.js";
import type { Kv } from "./port.js";

export async function openKv(target: KvTarget): Promise<Kv> {
  switch (target.transport) {
    case "upstash": {
      const { upstashKv } = await import("./upstash.js");
      return upstashKv(target.url, target.token);
    }
    case "redis": {
      const { redisKv } = await import("./redis.js");
      return redisKv(target.url);
    }
    case "memory": {
      const { memoryKv } = await import("./memory.js");
      return memoryKv();
    }
  }
}
