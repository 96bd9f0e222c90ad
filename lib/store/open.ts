// Chooses the store transport from the config. Each transport is imported only when
// chosen, so a function never pays at cold start for drivers it does not use.
import type { StoreTarget } from "../config/env.js";
import { createStore, type Store, type StoreOptions } from "./store.js";

export interface StoreLimits extends StoreOptions {
  /** The limit on every call, in ms (HOOKGATE_STORE_TIMEOUT_MS): past it, an unreachable StoreError. */
  timeoutMs?: number;
}

export async function openStore(target: StoreTarget, limits: StoreLimits = {}): Promise<Store> {
  switch (target.transport) {
    case "supabase": {
      const { supabaseRpc } = await import("./supabase.js");
      return createStore(supabaseRpc(target.url, target.serviceRoleKey, limits), limits);
    }
    case "postgres": {
      const { postgresRpc } = await import("./postgres.js");
      return createStore(postgresRpc(target.url, limits), limits);
    }
    case "pglite": {
      const { pgliteRpc } = await import("./pglite.js");
      return createStore(await pgliteRpc(target.dataDir, limits), limits);
    }
  }
}
