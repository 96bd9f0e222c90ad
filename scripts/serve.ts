// `npm start`: every api/ function served locally at the path Vercel would give it,
// on the embedded store unless DATABASE_URL or SUPABASE_URL says otherwise.
import { serve } from "@hono/node-server";
import { pathToFileURL } from "node:url";
import { existsSync } from "node:fs";
import { loadConfig } from "../lib/config/env.js";
import { engineFor } from "../lib/delivery/engine.js";
import { openGateway, useGateway } from "../lib/gateway.js";
import { settled } from "../lib/http/after.js";
import type { Endpoint } from "../lib/http/endpoint.js";
import { log } from "../lib/observability/log.js";
import { apiRoutes } from "./routes.js";

if (existsSync(".env")) process.loadEnvFile(".env");
const config = loadConfig();
const gateway = await openGateway(config);
useGateway(gateway);

const routes = new Map<string, Endpoint>();
for (const route of apiRoutes()) {
  const module = (await import(pathToFileURL(route.file).href)) as { default?: Endpoint };
  if (typeof module.default?.fetch !== "function") throw new Error(`${route.file} does not export default { fetch }`);
  routes.set(route.path, module.default);
}

const server = serve({
  port: config.port,
  fetch: (request) => {
    const route = routes.get(new URL(request.url).pathname.replace(/\/+$/, ""));
    if (!route) return Response.json({ error: "not_found", message: "no such route" }, { status: 404 });
    return route.fetch(request);
  },
});

const where =
  config.store.transport === "pglite" ? `pglite (${config.store.dataDir})` : config.store.transport;
console.log(`hookgate listening on http://localhost:${config.port}`);
console.log(`store: ${where}   kv: ${gateway.kv.transport}`);
for (const path of routes.keys()) console.log(`  ${path}`);

// One process is its own cron: retries come due here every few seconds, as
// /api/cron/deliver would take them on Vercel.
const LOCAL_DELIVER_EVERY_MS = 5_000;
let draining: Promise<unknown> | undefined;
const deliverTimer = setInterval(() => {
  draining ??= engineFor(gateway)
    .drain()
    .catch((error: unknown) => log.error("local delivery run failed", { error: String(error) }))
    .finally(() => (draining = undefined));
}, LOCAL_DELIVER_EVERY_MS);

async function shutdown(signal: string): Promise<void> {
  log.info("shutting down", { signal });
  server.close();
  clearInterval(deliverTimer);
  await draining;
  await settled(); // finish work started after answers before closing the store
  await gateway.close();
  process.exit(0);
}
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));
