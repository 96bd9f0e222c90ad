// A gateway for tests: the real pipeline on an in-memory PGlite store (or one given),
// configured from an explicit environment rather than process.env.
import { loadConfig } from "../../lib/config/env.js";
import { openGateway, type Gateway, type GatewayParts } from "../../lib/gateway.js";
import { memoryKv } from "../../lib/kv/memory.js";
import { pgliteRpc } from "../../lib/store/pglite.js";
import { createStore, type Store } from "../../lib/store/store.js";
import type { PGlite } from "@electric-sql/pglite";

/** An in-memory store, and its database for tests that read or write tables directly. */
export async function memoryDatabase(): Promise<{ store: Store; db: PGlite }> {
  const rpc = await pgliteRpc("memory://");
  return { store: createStore(rpc), db: rpc.db };
}

export async function memoryStore(): Promise<Store> {
  return (await memoryDatabase()).store;
}

export async function testGateway(env: Record<string, string> = {}, parts: GatewayParts = {}): Promise<Gateway> {
  const config = loadConfig({ LOG_LEVEL: "silent", ...env });
  return openGateway(config, { kv: memoryKv(), ...parts, store: parts.store ?? (await memoryStore()) });
}
