// `npm start`: every api/ function served locally at the path Vercel would give it,
// on the embedded store unless DATABASE_URL or SUPABASE_URL says otherwise.
import { serve } from "@hono/node-server";
import { pathToFileURL } from "node:url";
import { existsSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { sharedApp } from "../lib/app.js";
import {
  localAdminToken,
  lockStore,
  removeServerFile,
  runningServer,
  StoreBusyError,
  writeServerFile,
} from "../lib/cli/local-server.js";
import { ConfigError, loadConfig, type Config } from "../lib/config/env.js";
import { settled } from "../lib/http/after.js";
import type { Endpoint } from "../lib/http/endpoint.js";
import { log } from "../lib/observability/log.js";
import { alsoServed, apiRoutes } from "./routes.js";

if (existsSync(".env")) process.loadEnvFile(".env");
const debug = process.env.LOG_LEVEL === "debug";
// What this process holds under the data directory, given back on every way out.
let lock: { release(): void } | undefined;
/** The data directory this process registered itself in (server.json), once listening. */
let registered: string | undefined;
function release(): void {
  if (registered !== undefined) removeServerFile(registered);
  lock?.release();
  lock = undefined;
}

/** One line naming the cause and the fix, the stack only at LOG_LEVEL=debug, then exit. */
function fail(message: string, error?: unknown, code = 1): never {
  console.error(`hookgate: ${message}`);
  if (debug && error instanceof Error && error.stack) console.error(error.stack);
  release();
  process.exit(code);
}

let config: Config;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) fail(`${error.message} (fix it in .env or the environment)`, error, 2);
  throw error;
}
// One server per data directory; and the embedded store open in one process only.
const running = runningServer(config.env.HOOKGATE_DATA_DIR);
if (running)
  fail(
    `already running at ${running.url} (pid ${running.pid}) on ${config.env.HOOKGATE_DATA_DIR}: use that one (npx hookgate talks to it), or stop it first`,
  );
if (config.store.transport === "pglite") {
  try {
    lock = lockStore(config.env.HOOKGATE_DATA_DIR, "npm start");
  } catch (error) {
    if (error instanceof StoreBusyError) fail(error.message, error);
    throw error;
  }
}
// No ADMIN_TOKEN: one made for this machine, so the dashboard and the CLI work at once.
const localToken = config.env.ADMIN_TOKEN ? undefined : localAdminToken(config.env.HOOKGATE_DATA_DIR);
if (localToken) process.env.ADMIN_TOKEN = localToken.token;

// The instance's app, from the environment: the same one every api/ route below serves with.
const app = await sharedApp().catch((error: unknown) =>
  fail(`cannot start: ${error instanceof Error ? error.message : String(error)}`, error),
);

const routes = new Map<string, Endpoint>();
for (const route of apiRoutes()) {
  const module = (await import(pathToFileURL(route.file).href)) as { default?: Endpoint };
  if (typeof module.default?.fetch !== "function") throw new Error(`${route.file} does not export default { fetch }`);
  routes.set(route.path, module.default);
}
// The functions served at a second path (/.well-known/jwks.json), as the build links them.
for (const { path, target } of alsoServed((route) => routes.get(route))) routes.set(path, target);

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
    const url = printable(info);
    writeServerFile(config.env.HOOKGATE_DATA_DIR, reachable(info));
    registered = config.env.HOOKGATE_DATA_DIR;
    console.log(`hookgate listening on ${url}`);
    console.log(`store: ${where}   kv: ${app.kv.transport}`);
    console.log(`dashboard: ${reachable(info)}/api/admin/dashboard`);
    if (localToken?.created)
      console.log(
        `admin token (made for this machine${localToken.path ? `, kept in ${localToken.path}` : ""}; set ADMIN_TOKEN to choose your own): ${localToken.token}`,
      );
    else if (localToken) console.log(`admin token: in ${localToken.path} (set ADMIN_TOKEN to choose your own)`);
    for (const path of routes.keys()) console.log(`  ${path}`);
  },
);
// Past this many open connections, new ones are refused (each holds memory and a socket).
server.maxConnections = config.env.HOOKGATE_MAX_CONNECTIONS;
server.on("error", (error: NodeJS.ErrnoException) => {
  clearInterval(deliverTimer);
  void app.close().finally(() => fail(listenProblem(error), error));
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

/** Why the port could not be bound, and what to do about it. */
function listenProblem(error: NodeJS.ErrnoException): string {
  const at = `${config.env.HOST}:${config.port}`;
  switch (error.code) {
    case "EADDRINUSE":
      return `cannot listen on ${at}: the port is in use (another hookgate, or another program): stop it, or set PORT to a free port (PORT=0 picks one)`;
    case "EACCES":
      return `cannot listen on ${at}: not allowed to bind that port: set PORT above 1023`;
    case "EADDRNOTAVAIL":
      return `cannot listen on ${at}: HOST is not an address of this machine: set HOST (127.0.0.1, or 0.0.0.0 for all interfaces)`;
    default:
      return `cannot listen on ${at} (HOST, PORT): ${error.code ?? error.message}`;
  }
}

/** The bound address as a client on this machine reaches it: "all interfaces" is reached on loopback. */
function reachable(info: AddressInfo): string {
  const host =
    info.address === "0.0.0.0"
      ? "127.0.0.1"
      : info.address === "::"
        ? "[::1]"
        : info.family === "IPv6"
          ? `[${info.address}]`
          : info.address;
  return `http://${host}:${info.port}`;
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
  removeServerFile(config.env.HOOKGATE_DATA_DIR); // the CLI stops sending here at once
  server.close();
  clearInterval(deliverTimer);
  await draining;
  await settled(); // finish work started after answers before closing the store
  await app.close();
  release();
  process.exit(0);
}
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));
