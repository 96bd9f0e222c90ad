// Personal data stays in the event and nowhere else. Regression: rejected_requests kept
// 4 KiB of each rejected body as it came (a Twilio `From` number and an email were
// found there), and delivery_attempts.response kept receivers' answers whole. Here a
// real Twilio sender's number and email arrive in a rejected form body and in a
// receiver's answer; then every table but hookgate.events is read, row by row, on the
// embedded PGlite and on real PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { settled } from "../../lib/http/after.js";
import type { App } from "../../lib/app.js";
import { bodyPrefix } from "../../lib/shield/rejections.js";
import { webhook } from "../../lib/routes/webhooks.js";
import { twilio } from "../../lib/providers/twilio.js";
import { forward } from "../../lib/routing/define.js";
import { pgliteRpc } from "../../lib/store/pglite.js";
import { createStore, type Store } from "../../lib/store/store.js";
import { answerExcerpt, redactPersonal } from "../../lib/observability/redact.js";
import { receiver, SECRET as FORWARD_SECRET, type Receiver } from "../delivery/support.js";
import { DATABASE_URL, freshDatabase, postgresStore } from "../support/postgres.js";
import { signedRequest } from "../support/requests.js";
import { endpointOf, testApp } from "../support/app.js";

const AUTH_TOKEN = "twilio-personal-data-token";
const FROM = "+14155550123";
const EMAIL = "jane.roe@example.com";
const RECEIVER_PHONE = "+1 415 555 0199";
const RECEIVER_EMAIL = "ops.person@example.org";
const RECEIVER_TOKEN = "sk_live_51HxYzAbCdEfGhIjKlMnOpQrStUv";
/** What must not be found outside hookgate.events, in any spelling a table could hold. */
const PERSONAL = [
  FROM,
  encodeURIComponent(FROM),
  "4155550123",
  EMAIL,
  encodeURIComponent(EMAIL),
  RECEIVER_EMAIL,
  RECEIVER_TOKEN,
  "415 555 0199",
];

const form = (from: string, body: string) =>
  new URLSearchParams({
    AccountSid: "AC7d1e9f2a3b4c5d6e7f8a9b0c1d2e3f4a",
    MessageSid: `SM${crypto.randomUUID().replace(/-/g, "")}`,
    From: from,
    To: "+14155550100",
    Body: body,
  }).toString();

interface StoreUnderTest {
  name: string;
  open(): Promise<{ store: Store; rows(sql: string): Promise<string[]>; close(): Promise<void> }>;
}

const stores: StoreUnderTest[] = [
  {
    name: "PGlite",
    open: async () => {
      const rpc = await pgliteRpc("memory://");
      const store = createStore(rpc);
      return {
        store,
        rows: async (sql) => (await rpc.db.query<{ row: string }>(sql)).rows.map((r) => r.row),
        close: () => store.close(),
      };
    },
  },
  ...(DATABASE_URL
    ? [
        {
          name: "PostgreSQL",
          open: async () => {
            const db = await freshDatabase();
            const store = postgresStore(db.url, 2);
            return {
              store,
              rows: async (sql: string) => (await db.sql.unsafe<{ row: string }[]>(sql)).map((r) => r.row),
              close: async () => {
                await store.close();
                await db.drop();
              },
            };
          },
        },
      ]
    : []),
];

async function tablesBesideEvents(rows: (sql: string) => Promise<string[]>): Promise<string[]> {
  const names = await rows(
    `select table_name as row from information_schema.tables where table_schema = 'hookgate' and table_type = 'BASE TABLE' and table_name <> 'events'`,
  );
  expect(names).toEqual(expect.arrayContaining(["rejected_requests", "delivery_attempts", "deliveries"]));
  const dumped: string[] = [];
  for (const name of names) {
    // bytea as text too: a body prefix is bytes.
    for (const row of await rows(`select to_jsonb(t)::text as row from hookgate.${name} t`)) dumped.push(row);
    for (const row of await rows(
      `select convert_from(body_prefix, 'UTF8') as row from hookgate.rejected_requests where '${name}' = 'rejected_requests'`,
    ))
      dumped.push(row);
  }
  return dumped;
}

describe.each(stores)("personal data on $name", (under) => {
  let opened: Awaited<ReturnType<StoreUnderTest["open"]>>;
  let target: Receiver;

  beforeAll(async () => {
    opened = await under.open();
    // A receiver that refuses, echoing the customer and a token back in its answer.
    target = await receiver(() => ({
      status: 422,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        error: `customer ${RECEIVER_EMAIL} (${RECEIVER_PHONE}) rejected`,
        api_token: RECEIVER_TOKEN,
        detail: "x".repeat(2000),
      }),
    }));
  });
  afterAll(async () => {
    await settled();
    await target.close();
    await opened.close();
  });

  async function gatewayWith(env: Record<string, string> = {}): Promise<App> {
    return testApp(
      { TWILIO_AUTH_TOKEN: AUTH_TOKEN, HOOKGATE_TRUST_PROXY: "x-real-ip", ...env },
      {
        routes: {
          destinations: { crm: forward({ url: target.url, secret: FORWARD_SECRET }) },
          routes: [{ provider: "twilio", to: ["crm"] }],
        },
        store: { ...opened.store, close: async () => {} },
      },
    );
  }

  it("a rejected Twilio form and a receiver's answer leave no number, email or token outside the event", async () => {
    const gateway = await gatewayWith();
    const fn = endpointOf(webhook(twilio), async () => gateway);
    const text = `Hi, I am ${EMAIL}, call me back`;
    const url = "https://hooks.example.com/api/webhooks/twilio";

    const forged = signedRequest(twilio, {
      secret: "not-the-token",
      url,
      body: form(FROM, text),
      headers: { "x-real-ip": "203.0.113.30" },
    });
    expect((await fn.fetch(forged)).status).toBe(401);
    const real = signedRequest(twilio, {
      secret: AUTH_TOKEN,
      url,
      body: form(FROM, text),
      headers: { "x-real-ip": "203.0.113.31" },
    });
    expect((await fn.fetch(real)).status).toBe(200);
    await settled(); // the rejection record and the delivery attempt run after the answers
    expect(target.requests.length).toBeGreaterThanOrEqual(1);

    const [rejection] = await opened.rows(`select to_jsonb(r)::text as row from hookgate.rejected_requests r`);
    expect(JSON.parse(rejection!)).toMatchObject({
      provider: "twilio",
      reason: "bad_signature",
      status: 401,
      client_ip: "203.0.113.30",
    });
    expect(JSON.parse(rejection!).body_prefix).toBe("\\x"); // no body kept by default

    const [attempt] = await opened.rows(`select to_jsonb(a)::text as row from hookgate.delivery_attempts a`);
    const recorded = JSON.parse(attempt!) as { status: number; response: string };
    expect(recorded.status).toBe(422);
    expect(recorded.response.length).toBeLessThanOrEqual(256);
    expect(recorded.response).toContain("[email]");
    expect(recorded.response).toContain("[phone]");

    const dumped = (await tablesBesideEvents(opened.rows)).join("\n");
    for (const value of PERSONAL) expect(dumped).not.toContain(value);

    // The event itself keeps what the provider sent: that is what it is for.
    const [event] = await opened.rows(`select convert_from(raw_body, 'UTF8') as row from hookgate.events`);
    expect(event).toContain(encodeURIComponent(FROM));
    await gateway.close();
  });

  it("with REJECTION_BODY_PREFIX_BYTES a short prefix is kept, masked", async () => {
    const gateway = await gatewayWith({ REJECTION_BODY_PREFIX_BYTES: "300" });
    const fn = endpointOf(webhook(twilio), async () => gateway);
    const url = "https://hooks.example.com/api/webhooks/twilio";
    const forged = signedRequest(twilio, {
      secret: "wrong",
      url,
      body: form(FROM, `mail ${EMAIL}`),
      headers: { "x-real-ip": "203.0.113.32" },
    });
    expect((await fn.fetch(forged)).status).toBe(401);
    await settled();

    const [prefix] = await opened.rows(
      `select convert_from(body_prefix, 'UTF8') as row from hookgate.rejected_requests where client_ip = '203.0.113.32'`,
    );
    expect(prefix).toMatch(/^AccountSid=/); // Twilio's SIDs look like tokens, and are masked as such
    expect(prefix).toContain("From=[phone]");
    expect(prefix).toContain("[email]");
    expect(Buffer.byteLength(prefix!)).toBeLessThanOrEqual(300);
    const dumped = (await tablesBesideEvents(opened.rows)).join("\n");
    for (const value of PERSONAL) expect(dumped).not.toContain(value);
    await gateway.close();
  });
});

describe("the masks", () => {
  it.each([
    ["From=+14155550123&Email=jane@example.com", "From=[phone]&Email=[email]"],
    ['{"token":"ghp_aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5"}', '{"token":"[token]"}'],
    ["Authorization: Bearer abc.def", "Authorization: Bearer [token]"],
    ["digest 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "digest [token]"],
    ["key sk_live_51HxYzAbCdEfGhIjKlMnOpQrStUv", "key [token]"],
    ["card 4242424242424242", "card [hex]"],
    // Kept: what an operator needs and is not personal.
    [
      "from 203.0.113.7 id 3f2b1c4d-1234-4abc-9def-0123456789ab conversation_status_changed",
      "from 203.0.113.7 id 3f2b1c4d-1234-4abc-9def-0123456789ab conversation_status_changed",
    ],
  ])("%s → %s", (text, masked) => {
    expect(redactPersonal(text)).toBe(masked);
  });

  it("an answer excerpt is at most 256 characters, masked after the cut is bounded", () => {
    expect(answerExcerpt(`${"a ".repeat(500)}`)!.length).toBe(256);
    expect(answerExcerpt("")).toBeNull();
    expect(answerExcerpt(`${"y".repeat(250)} ${EMAIL}`)).not.toContain("jane");
  });

  it("a form-encoded prefix is decoded before masking (%2B hides a number from a pattern)", () => {
    const headers = new Headers({ "content-type": "application/x-www-form-urlencoded" });
    const body = new TextEncoder().encode(
      `From=${encodeURIComponent(FROM)}&Body=${encodeURIComponent(`write ${EMAIL}`)}`,
    );
    expect(bodyPrefix({ body, headers }, 1024)).toBe("From=[phone]&Body=write [email]");
    expect(bodyPrefix({ body, headers }, 0)).toBe("");
  });
});
