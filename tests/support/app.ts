// The one app builder of the tests: the real app (lib/app.ts) on an in-memory PGlite
// store and a memory KV unless given others, configured from an explicit environment
// rather than process.env, with the parts a test controls (store, kv, clock, alert
// channel, routes, error reporter).
import type { PGlite } from "@electric-sql/pglite";
import { openApp, type App, type AppParts } from "../../lib/app.js";
import { loadConfig } from "../../lib/config/env.js";
import { memoryKv } from "../../lib/kv/memory.js";
import { providers } from "../../lib/providers/catalog.js";
import type { Endpoint } from "../../lib/http/endpoint.js";
import { served, type Route } from "../../lib/routes/route.js";
import type { RoutingFile } from "../../lib/routing/define.js";
import { compileRouting } from "../../lib/routing/table.js";
import { pgliteRpc } from "../../lib/store/pglite.js";
import { createStore, type Store } from "../../lib/store/store.js";
import { signingKeyring } from "../../lib/signing/keyring-source.js";

export type { App } from "../../lib/app.js";

/** An in-memory PGlite store, and the database itself for tests that read it directly. */
export async function memoryDatabase(): Promise<{ store: Store; db: PGlite }> {
  const rpc = await pgliteRpc("memory://");
  return { store: createStore(rpc), db: rpc.db };
}

export async function memoryStore(): Promise<Store> {
  return (await memoryDatabase()).store;
}

export interface TestAppParts extends AppParts {
  /** Routes as a routing file (compiled against the real catalog, with this app's store). */
  routes?: RoutingFile;
}

export async function testApp(env: Record<string, string> = {}, parts: TestAppParts = {}): Promise<App> {
  const config = loadConfig({ LOG_LEVEL: "silent", ...env });
  const store = parts.store ?? (await memoryStore());
  const { routes, ...rest } = parts;
  // One keyring for the app and the routes compiled here, as openApp would make it.
  const keys = parts.keys ?? signingKeyring({ env: config.env, store: store.signingKeys, clock: parts.clock });
  const routing = routes
    ? compileRouting(routes, {
        env: config.env,
        providers: providers.map((p) => p.name),
        store,
        signingKey: () => keys.current(),
      })
    : parts.routing;
  return openApp(config, { kv: memoryKv(), ...rest, store, routing, keys });
}

/** A route as the function it is on Vercel, served by `app` (or whatever `app()` gives). */
export function endpointOf(route: Route, app: App | (() => Promise<App>)): Endpoint {
  return served(route, typeof app === "function" ? app : async () => app);
}
