// Real local HTTP receivers, a hand-moved clock and engines on an app's parts for the
// delivery tests (apps come from tests/support/app.ts).
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { App } from "../../lib/app.js";
import { kvBreaker } from "../../lib/delivery/breaker.js";
import { deliveryEngine } from "../../lib/delivery/engine.js";
import { deliverySignals } from "../../lib/delivery/signals.js";
import type { Store } from "../../lib/store/store.js";

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

/**
 * An engine of its own on the app's store, KV and destinations: fixed jitter, its own
 * signals, and a breaker under a fresh key prefix (each engine starts with every
 * breaker closed) unless `breakerPrefix` names one ("hookgate:" is the app engine's).
 */
export function engine(app: App, options: { clock?: () => Date; breakerPrefix?: string } = {}) {
  const signals = deliverySignals();
  const prefix = options.breakerPrefix ?? `t${Math.random().toString(36).slice(2)}:`;
  return deliveryEngine({
    deliveries: app.store.deliveries,
    breaker: kvBreaker(app.kv, { prefix, clock: options.clock, signals }),
    destinations: app.routing.destinations,
    signals,
    clock: options.clock,
    random: () => 0.5,
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
