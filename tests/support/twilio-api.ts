// A real HTTP server (node:http on 127.0.0.1) speaking the part of the Twilio Messages
// API the onboarding uses: POST and GET /2010-04-01/Accounts/{sid}/Messages.json. It
// checks basic auth (account sid : auth token) and the form fields as Twilio does,
// keeps the messages it accepted, records every call, and can be told to fail: down
// (an answer for every call), the next calls, or "lose" (accept the message, then drop
// the connection before answering: the lost answer a retry must not send twice).
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export const ACCOUNT_SID = "AC" + "0123456789abcdef".repeat(2);
export const AUTH_TOKEN = "twilio-test-auth-token";

export interface StoredMessage {
  sid: string;
  to: string;
  from: string;
  body: string;
  status: string;
  date_created: string;
}

export interface TwilioCall {
  method: string;
  path: string;
  authorized: boolean;
  form: Record<string, string>;
  query: Record<string, string>;
  status: number;
}

export type TwilioFailure = { status: number; code?: number; headers?: Record<string, string> } | "lose";

export interface FakeTwilio {
  /** TWILIO_API_BASE_URL. */
  readonly baseUrl: string;
  readonly calls: TwilioCall[];
  readonly messages: StoredMessage[];
  /** Messages accepted for `to` (with or without the whatsapp: prefix). */
  to(phone: string): StoredMessage[];
  down(failure: TwilioFailure): void;
  failNext(times: number, failure: TwilioFailure, only?: { method: string }): void;
  /** Numbers Twilio refuses as invalid (21211). */
  invalid: Set<string>;
  up(): void;
  close(): Promise<void>;
}

export async function startFakeTwilio(): Promise<FakeTwilio> {
  const calls: TwilioCall[] = [];
  const messages: StoredMessage[] = [];
  const invalid = new Set<string>();
  let outage: TwilioFailure | null = null;
  const queued: { failure: TwilioFailure; method?: string }[] = [];
  let n = 0;
  const expectedAuth = `Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString("base64")}`;
  const path = `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`;

  function answer(res: ServerResponse, call: TwilioCall, status: number, body: unknown, headers = {}) {
    call.status = status;
    res.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(body));
  }

  function handle(req: IncomingMessage, res: ServerResponse, raw: string) {
    const url = new URL(req.url ?? "/", "http://localhost");
    const call: TwilioCall = {
      method: req.method ?? "",
      path: url.pathname,
      authorized: req.headers.authorization === expectedAuth,
      form: Object.fromEntries(new URLSearchParams(raw)),
      query: Object.fromEntries(url.searchParams),
      status: 0,
    };
    calls.push(call);
    if (url.pathname !== path) return answer(res, call, 404, { code: 20404, message: "not found", status: 404 });
    if (!call.authorized) return answer(res, call, 401, { code: 20003, message: "Authenticate", status: 401 });

    const next = queued.findIndex((q) => !q.method || q.method === call.method);
    const failure = next >= 0 ? queued.splice(next, 1)[0]!.failure : outage;
    if (failure && failure !== "lose") {
      return answer(
        res,
        call,
        failure.status,
        { code: failure.code ?? failure.status * 100, message: "fake failure", status: failure.status },
        failure.headers,
      );
    }

    if (call.method === "GET") {
      const listed = messages
        .filter((m) => (!call.query.To || m.to === call.query.To) && (!call.query.From || m.from === call.query.From))
        .reverse();
      return answer(res, call, 200, { messages: listed, page: 0, page_size: Number(call.query.PageSize ?? 50) });
    }
    if (call.method !== "POST") return answer(res, call, 405, { code: 20004, message: "method", status: 405 });
    if (req.headers["content-type"] !== "application/x-www-form-urlencoded") {
      return answer(res, call, 400, { code: 20001, message: "form expected", status: 400 });
    }
    const { To: to, From: from, Body: body } = call.form;
    if (!to) return answer(res, call, 400, { code: 21604, message: "A 'To' phone number is required.", status: 400 });
    if (!from)
      return answer(res, call, 400, { code: 21603, message: "A 'From' phone number is required.", status: 400 });
    if (!body) return answer(res, call, 400, { code: 21602, message: "Message body is required.", status: 400 });
    if (to.startsWith("whatsapp:") !== from.startsWith("whatsapp:")) {
      return answer(res, call, 400, { code: 21910, message: "Invalid From and To pair", status: 400 });
    }
    if (invalid.has(to.replace(/^whatsapp:/, ""))) {
      return answer(res, call, 400, {
        code: 21211,
        message: `The 'To' number ${to} is not a valid phone number.`,
        status: 400,
      });
    }
    const message: StoredMessage = {
      sid: `SM${String(++n).padStart(32, "0")}`,
      to,
      from,
      body,
      status: "queued",
      date_created: new Date().toUTCString(),
    };
    messages.push(message);
    if (failure === "lose") {
      call.status = -1;
      res.socket?.destroy();
      return;
    }
    // Twilio's answer echoes the recipient and the body.
    return answer(res, call, 201, { ...message, account_sid: ACCOUNT_SID, num_segments: "1" });
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => handle(req, res, Buffer.concat(chunks).toString("utf8")));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    calls,
    messages,
    invalid,
    to: (phone) => messages.filter((m) => m.to.replace(/^whatsapp:/, "") === phone),
    down(failure) {
      outage = failure;
    },
    failNext(times, failure, only) {
      for (let i = 0; i < times; i++) queued.push({ failure, method: only?.method });
    },
    up() {
      outage = null;
      queued.splice(0);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
