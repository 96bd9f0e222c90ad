// `npm start`: every api/ function served locally at the path Vercel would give it,
// on the embedded store unless DATABASE_URL or SUPABASE_URL says otherwise.
import { serve } from "@hono/node-server";
import { pathToFileURL } from "node:url";
import { existsSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { sharedApp } from "../lib/app.js";
import { settled } from "../lib/http/after.js";
import type { Endpoint } from "../lib/http/endpoint.js";
import { log } from "../lib/observability/log.js";
import { apiRoutes } from "./routes.js";

if (existsSync(".env")) process.loadEnvFile(".env");
// The instance's app, from the environment: the same one every api/ route below serves with.
const app = await sharedApp();
const { config } = app;

const routes = new Map<string, Endpoint>();
for (const route of apiRoutes()) {
  const module = (await import(pathToFileURL(route.file).href)) as { default?: Endpoint };
  if (typeof module.default?.fetch !== "function") throw new Error(`${route.file} does not export default { fetch }`);
  routes.set(route.path, module.default);
}

// A client gets seconds, not Node's default 300 s, to send its headers and body: a
// stalled upload is answered 408 and closed. Node checks these deadlines on an
// interval (30 s by default), so it is checked often enough to keep them.
const requestTimeout = config.env.HOOKGATE_REQUEST_TIMEOUT_MS;
const HEADERS_TIMEOUT_MS = 5_000;
const serverOptions = {
  requestTimeout,
  headersTimeout: Math.min(HEADERS_TIMEOUT_MS, requestTimeout),
  connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(requestTimeout / 4))),
};

const server = serve(
  {
    port: config.port,
    hostname: config.env.HOST,
    serverOptions,
    fetch: (request, { incoming }) => {
      const route = routes.get(pathOf(incoming.url, request));
      if (!route) return Response.json({ error: "not_found", message: "no such route" }, { status: 404 });
      return route.fetch(request);
    },
  },
  // Printed once listening: the address and port actually bound (PORT=0 takes a free one).
  (info) => {
    const where = config.store.transport === "pglite" ? `pglite (${config.store.dataDir})` : config.store.transport;
    console.log(`hookgate listening on ${printable(info)}`);
    console.log(`store: ${where}   kv: ${app.kv.transport}`);
    for (const path of routes.keys()) console.log(`  ${path}`);
  },
);
// Past this many open connections, new ones are refused (each holds memory and a socket).
server.maxConnections = config.env.HOOKGATE_MAX_CONNECTIONS;
server.on("error", (error: NodeJS.ErrnoException) => {
  console.error(
    `hookgate cannot listen on ${config.env.HOST}:${config.port} (HOST, PORT): ${error.code ?? error.message}`,
  );
  process.exit(1);
});

/**
 * The request's path without its query or trailing slashes, read from the request line
 * as sent: parsing the whole URL again for every request costs more than the routing.
 * An absolute-form target (`POST http://host/path`, from a proxy) is parsed in full.
 */
function pathOf(target: string | undefined, request: Request): string {
  const path = target?.startsWith("/") ? target : new URL(request.url).pathname;
  const query = path.indexOf("?");
  return (query === -1 ? path : path.slice(0, query)).replace(/\/+$/, "");
}

function printable(info: AddressInfo): string {
  const host = info.family === "IPv6" ? `[${info.address}]` : info.address;
  const all = info.address === "0.0.0.0" || info.address === "::" ? " (all interfaces)" : "";
  return `http://${host}:${info.port}${all}`;
}

// One process is its own cron: retries come due here every few seconds, as
// /api/cron/deliver would take them on Vercel.
const LOCAL_DELIVER_EVERY_MS = 5_000;
let draining: Promise<unknown> | undefined;
const deliverTimer = setInterval(() => {
  draining ??= app
    .engine()
    .then((engine) => engine.drain())
    .catch((error: unknown) => log.error("local delivery run failed", { error: String(error) }))
    .finally(() => (draining = undefined));
}, LOCAL_DELIVER_EVERY_MS);

async function shutdown(signal: string): Promise<void> {
  log.info("shutting down", { signal });
  server.close();
  clearInterval(deliverTimer);
  await draining;
  await settled(); // finish work started after answers before closing the store
  await app.close();
  process.exit(0);
}
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));
