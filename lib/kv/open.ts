// Chooses the KV transport from the config, importing only the chosen client. A shared
// KV (Redis, Upstash) gets the deployment's key prefix (HOOKGATE_KV_PREFIX), so two
// deployments on one Redis never share breaker state, alert cooldowns or rate limits.
import type { KvTarget } from "../config/env.js";
import type { Kv } from "./port.js";
import { prefixedKv } from "./prefixed.js";

export async function openKv(target: KvTarget, prefix = ""): Promise<Kv> {
  switch (target.transport) {
    case "upstash": {
      const { upstashKv } = await import("./upstash.js");
      return prefixedKv(upstashKv(target.url, target.token), prefix);
    }
    case "redis": {
      const { redisKv } = await import("./redis.js");
      return prefixedKv(redisKv(target.url), prefix);
    }
    case "memory": {
      // One process's memory is its own namespace already.
      const { memoryKv } = await import("./memory.js");
      return memoryKv();
    }
  }
}
