// "Noise anyone can make" (drill item 8): client aborts and broken chunked bodies were
// logged and sent to Sentry as unexpected errors, unsampled; a client's x-vercel-id
// became the request id everywhere. Now: a body that cannot be read is a client error
// (a debug line and a counter, never a report), reports are capped per kind per minute,
// and x-vercel-id is taken only on Vercel and only in Vercel's own shape.
import { serve, type ServerType } from "@hono/node-server";
import { connect } from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../lib/app.js";
import { settled } from "../../lib/http/after.js";
import { requestIdOf } from "../../lib/http/endpoint.js";
import { counterValue } from "../../lib/observability/counters.js";
import { setLogLevel } from "../../lib/observability/log.js";
import { sentryReporter } from "../../lib/observability/sentry.js";
import { webhook } from "../../lib/routes/webhooks.js";
import { clickup } from "../../lib/providers/clickup.js";
import { endpointOf, testApp } from "../support/app.js";
import { startSentryDsn, type SentryDsnServer } from "../support/sentry-dsn.js";
import { captureStdout, fileStore, SECRET, validRequest } from "../support/kvs.js";

let sentry: SentryDsnServer;

beforeAll(async () => {
  sentry = await startSentryDsn();
});
afterAll(async () => {
  await sentry.close();
});

/** Waits (bounded) for something the server does on its own time. */
async function eventually(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 25));
  if (!check()) throw new Error(`never happened: ${what}`);
}

describe("a client that breaks its own request", () => {
  let gateway: App;
  let server: ServerType;
  let port: number;
  let logs: ReturnType<typeof captureStdout>;

  beforeAll(async () => {
    gateway = await testApp(
      { CLICKUP_WEBHOOK_SECRET: SECRET, SENTRY_DSN: sentry.dsn, LOG_LEVEL: "debug" },
      { store: await fileStore() },
    );
    const endpoint = endpointOf(webhook(clickup), async () => gateway);
    server = serve({ fetch: (request) => endpoint.fetch(request), port: 0, hostname: "127.0.0.1" });
    await new Promise<void>((resolve) => server.once("listening", () => resolve()));
    port = (server.address() as AddressInfo).port;
    logs = captureStdout();
  });
  afterAll(async () => {
    logs?.stop();
    setLogLevel("silent");
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await gateway.close();
  });

  /** Sends raw HTTP and closes the connection after `text`, without waiting for an answer. */
  function sendRaw(text: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, "127.0.0.1", () => {
        socket.write(text, () => setTimeout(() => (socket.destroy(), resolve()), 50));
      });
      socket.on("error", reject);
    });
  }

  const records = () => logs.records();
  const bodyErrors = () => counterValue("hookgate_client_body_errors_total");

  it("regression: an abort mid-body is a debug line and a count, not a Sentry report", async () => {
    const before = bodyErrors();
    await sendRaw(
      "POST / HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\nx-signature: 00\r\ncontent-length: 5000\r\n\r\n" +
        '{"event":"taskCreated",',
    );
    await eventually(() => bodyErrors() > before, "the body error was counted");
    await eventually(
      () => records().some((r) => r.msg === "request" && r.outcome === "body_unreadable"),
      "the request line",
    );
    await settled();
    expect(records().some((r) => r.level === "debug" && r.msg === "request body unreadable")).toBe(true);
    expect(records().filter((r) => r.msg === "unexpected error")).toEqual([]);
    expect(sentry.events()).toEqual([]);
  });

  it("regression: a malformed chunked body is a client error too", async () => {
    const before = bodyErrors();
    await sendRaw(
      "POST / HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\nx-signature: 00\r\ntransfer-encoding: chunked\r\n\r\n" +
        '5\r\n{"eve\r\nzz-not-a-size\r\n',
    );
    await eventually(
      () => bodyErrors() > before || records().some((r) => r.outcome === "client_aborted"),
      "the broken body was seen",
    );
    await settled();
    expect(records().filter((r) => r.msg === "unexpected error")).toEqual([]);
    expect(sentry.events()).toEqual([]);
  });
});

describe("unexpected-error reports", () => {
  it("are capped per kind per minute; another kind, or the next minute, gets through", async () => {
    let now = Date.now();
    const store = await fileStore();
    const gateway = await testApp(
      { CLICKUP_WEBHOOK_SECRET: SECRET, SENTRY_DSN: sentry.dsn },
      {
        store: {
          ...store,
          events: {
            ...store.events,
            ingest: async () => Promise.reject(new TypeError("the store broke the same way")),
          },
        },
        report: sentryReporter({ dsn: sentry.dsn, secrets: [] }, { perMinute: 3, clock: () => now }),
      },
    );
    const dropped = () => counterValue("hookgate_error_reports_dropped_total");
    const droppedBefore = dropped();
    const eventsBefore = sentry.events().length;
    try {
      const endpoint = endpointOf(webhook(clickup), async () => gateway);
      for (let i = 0; i < 20; i++) expect((await endpoint.fetch(validRequest(`198.51.100.${i + 1}`))).status).toBe(503);
      await settled();
      expect(sentry.events().length - eventsBefore).toBe(3);
      expect(dropped() - droppedBefore).toBe(17);

      now += 60_000;
      await endpoint.fetch(validRequest("198.51.100.99"));
      await settled();
      expect(sentry.events().length - eventsBefore).toBe(4);
    } finally {
      await gateway.close();
    }
  });
});

describe("the request id", () => {
  const request = (id?: string) =>
    new Request("https://gw.example/api/health", { headers: id ? { "x-vercel-id": id } : {} });
  const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
  const REAL = "iad1::cdg1::x7k2p-1732191234567-0a1b2c3d4e5f";

  it("regression: off Vercel, a client's x-vercel-id is never the request id", () => {
    expect(requestIdOf(request(REAL), false)).toMatch(UUID);
  });

  it("on Vercel, Vercel's own id is; a spoofed one is not echoed", async () => {
    {
      expect(requestIdOf(request(REAL), true)).toBe(REAL);
      for (const spoofed of [
        "<script>alert(1)</script>",
        "iad1::x".repeat(40),
        "admin level=error",
        "not-a-vercel-id",
        "iad1:: ",
      ]) {
        expect(requestIdOf(request(spoofed), true), spoofed).toMatch(UUID);
      }
      const gateway = await testApp(
        { CLICKUP_WEBHOOK_SECRET: SECRET, VERCEL: "1", DATABASE_URL: "postgres://unused" },
        { store: await fileStore() },
      );
      try {
        const spoofed = "evil::<img src=x>";
        const forged = validRequest("198.51.100.7", { headers: { "x-vercel-id": spoofed } });
        const response = await endpointOf(webhook(clickup), async () => gateway).fetch(forged);
        expect(response.headers.get("x-request-id")).toMatch(UUID);
        expect(response.headers.get("x-request-id")).not.toContain("evil");
        // Vercel's own id names the request on an app that runs on Vercel.
        const real = await endpointOf(webhook(clickup), async () => gateway).fetch(
          validRequest("198.51.100.8", { headers: { "x-vercel-id": REAL } }),
        );
        expect(real.headers.get("x-request-id")).toBe(REAL);
      } finally {
        await gateway.close();
      }
    }
  });
});
