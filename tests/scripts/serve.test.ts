// `npm start` (scripts/serve.ts) as a process: it listens where HOST says (loopback by
// default), prints the address it actually bound, cuts off a client that stalls its
// headers or body after HOOKGATE_REQUEST_TIMEOUT_MS instead of Node's 300 s, and
// refuses connections past HOOKGATE_MAX_CONNECTIONS.
//
// Regression: "a stalled body is held 329 s, no connection cap; `npm start` listens on
// all interfaces while printing localhost" (issue 13).
import { connect, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serve as serveProcess, stop, type Served } from "../support/serve.js";

/** npm start on the embedded in-memory store, with a configured provider (so a webhook request waits for its body). */
const serve = (env: Record<string, string>): Promise<Served> =>
  serveProcess({
    HOOKGATE_DATA_DIR: "memory://",
    STANDARD_WEBHOOK_SECRET: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
    ...env,
  });

/** Opens a raw connection, writes `text`, and collects what comes back until the server closes it. */
function rawExchange(
  host: string,
  port: number,
  text: string,
): Promise<{ socket: Socket; closed: Promise<{ answer: string; afterMs: number }> }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, host);
    let answer = "";
    socket.on("data", (chunk) => (answer += chunk.toString()));
    socket.once("error", () => {});
    socket.once("connect", () => {
      const sentAt = performance.now();
      socket.write(text);
      const closed = new Promise<{ answer: string; afterMs: number }>((done) =>
        socket.once("close", () => done({ answer, afterMs: performance.now() - sentAt })),
      );
      resolve({ socket, closed });
    });
    socket.once("error", reject);
  });
}

function refused(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, host);
    socket.once("connect", () => (socket.destroy(), resolve(false)));
    socket.once("error", () => resolve(true));
  });
}

describe("scripts/serve.ts with its defaults and a 1 s request timeout", () => {
  let served: Served;
  beforeAll(async () => {
    served = await serve({ HOOKGATE_REQUEST_TIMEOUT_MS: "1000" });
  }, 60_000);
  afterAll(() => stop(served));

  it("listens on 127.0.0.1 by default and prints the address and port it bound", async () => {
    expect(served.printed).toBe(`http://127.0.0.1:${served.port}`);
    expect(served.port).toBeGreaterThan(0);
    const health = await fetch(`${served.printed}/api/health`);
    expect(health.status).toBe(200);
  });

  it("answers 408 and closes a connection whose body stalls, after the request timeout", async () => {
    const { closed } = await rawExchange(
      served.host,
      served.port,
      `POST /api/webhooks/standard HTTP/1.1\r\nHost: ${served.host}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"type":`,
    );
    const { answer, afterMs } = await closed;
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    // Cut off by the 1 s limit, not Node's 300 s default.
    expect(afterMs).toBeGreaterThanOrEqual(900);
    expect(afterMs).toBeLessThan(10_000);
  }, 20_000);

  it("closes a connection whose headers stall", async () => {
    const { closed } = await rawExchange(
      served.host,
      served.port,
      `POST /api/webhooks/standard HTTP/1.1\r\nHost: x\r\n`,
    );
    const { answer, afterMs } = await closed;
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(afterMs).toBeLessThan(10_000);
  }, 20_000);
});

describe("scripts/serve.ts with HOST and HOOKGATE_MAX_CONNECTIONS set", () => {
  let served: Served | undefined;
  const HOST = "127.0.0.2"; // loopback too on Linux, but another address than the default
  beforeAll(async () => {
    served = await serve({ HOST, HOOKGATE_MAX_CONNECTIONS: "2" });
  }, 60_000);
  afterAll(() => stop(served));

  it("listens only on HOST and prints it", async () => {
    expect(served!.printed).toBe(`http://${HOST}:${served!.port}`);
    // Connection: close, so no kept-alive connection counts against the cap below.
    const health = await rawExchange(
      HOST,
      served!.port,
      `GET /api/health HTTP/1.1\r\nHost: ${HOST}\r\nConnection: close\r\n\r\n`,
    );
    expect((await health.closed).answer).toMatch(/^HTTP\/1\.1 200 /);
    expect(await refused("127.0.0.1", served!.port)).toBe(true);
  });

  it("refuses connections past the cap while the first ones stay open", async () => {
    const partial = `POST /api/webhooks/standard HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n`;
    const first = await rawExchange(HOST, served!.port, partial);
    const second = await rawExchange(HOST, served!.port, partial);
    // Give the server a moment to accept both before the third arrives.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const third = await rawExchange(HOST, served!.port, partial);
    const { answer } = await third.closed;
    expect(answer).toBe("");
    expect(first.socket.destroyed || second.socket.destroyed).toBe(false);
    first.socket.destroy();
    second.socket.destroy();
  }, 20_000);
});
