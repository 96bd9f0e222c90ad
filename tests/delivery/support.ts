// Real local HTTP receivers and routed gateways for the delivery tests.
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { loadConfig } from "../../lib/config/env.js";
import { deliveryEngine, type EngineOptions } from "../../lib/delivery/engine.js";
import { openGateway, type Gateway, type GatewayParts } from "../../lib/gateway.js";
import { memoryKv } from "../../lib/kv/memory.js";
import { providers } from "../../lib/providers/catalog.js";
import type { RoutingDefinition } from "../../lib/routing/define.js";
import { compileRouting } from "../../lib/routing/table.js";
import type { Store } from "../../lib/store/store.js";
import { memoryStore } from "../support/gateway.js";

export const SECRET = "whsec_" + Buffer.alloc(32, 42).toString("base64");

export interface Received {
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** What the receiver answers to its n-th request (from 1): an answer, or "hang" (never answers). */
export type Answer = { status: number; headers?: Record<string, string>; body?: string; delayMs?: number } | "hang";

export interface Receiver {
  url: string;
  requests: Received[];
  /** Resolves when the receiver has had `count` requests. */
  seen(count: number): Promise<void>;
  close(): Promise<void>;
}

export async function receiver(
  answer: (request: Received, n: number) => Answer = () => ({ status: 200 }),
): Promise<Receiver> {
  const requests: Received[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const received = { headers: req.headers, body: Buffer.concat(chunks) };
      requests.push(received);
      for (const waiter of waiters.filter((w) => requests.length >= w.count)) waiter.resolve();
      const reply = answer(received, requests.length);
      if (reply === "hang") return;
      const send = () => {
        if (!res.destroyed) res.writeHead(reply.status, reply.headers).end(reply.body ?? "ok");
      };
      if (reply.delayMs) setTimeout(send, reply.delayMs);
      else send();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    requests,
    seen: (count) =>
      requests.length >= count ? Promise.resolve() : new Promise((resolve) => waiters.push({ count, resolve })),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A URL on which nothing listens: connections are refused. */
export async function refusingUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/hook`;
}

/** A gateway whose routes are `definition` (providers: the real catalog). */
export async function routedGateway(
  definition: RoutingDefinition,
  parts: GatewayParts & { env?: Record<string, string> } = {},
): Promise<Gateway> {
  const config = loadConfig({ LOG_LEVEL: "silent", ...parts.env });
  const routing = compileRouting(definition, { env: config.env, providers: providers.map((p) => p.name) });
  const store: Store = parts.store ?? (await memoryStore());
  return openGateway(config, { kv: parts.kv ?? memoryKv(), ...parts, store, routing });
}

/** A clock tests move by hand. */
export function manualClock(start = new Date(Date.now() + 1_000)) {
  let now = start.getTime();
  return {
    now: () => new Date(now),
    advance: (ms: number) => {
      now += ms;
    },
  };
}

export function engine(gateway: Gateway, options: EngineOptions = {}) {
  return deliveryEngine(gateway, {
    random: () => 0.5,
    kvPrefix: `t${Math.random().toString(36).slice(2)}:`,
    ...options,
  });
}

let seq = 0;

/**
 * Records `count` events, each with a delivery to every destination, due at once
 * (the ingest lease is zero, so the cron may take them).
 */
export async function seedDue(
  store: Store,
  destinations: string[],
  count: number,
  provider = "clickup",
): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i += 50) {
    const batch = Array.from({ length: Math.min(50, count - i) }, (_, j) => {
      const n = ++seq;
      return store.events.ingest({
        source: provider,
        provider,
        dedupKey: `seed-${process.pid}-${n}-${Math.random()}`,
        type: "taskCreated",
        verified: true,
        body: new TextEncoder().encode(JSON.stringify({ n, i: i + j })),
        payload: { n },
        headers: { "content-type": "application/json" },
        destinations,
        leaseSeconds: 0,
      });
    });
    for (const result of await Promise.all(batch)) ids.push(result.event_id);
  }
  return ids;
}
