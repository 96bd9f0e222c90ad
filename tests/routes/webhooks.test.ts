// The common promises of every webhook function, over ALL providers: each test calls
// the api/webhooks/<name>.ts default export with a `new Request(...)`, through the
// real pipeline on an in-memory PGlite store.
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../lib/app.js";
import { webhook } from "../../lib/routes/webhooks.js";
import { settled } from "../../lib/http/after.js";
import type { Endpoint } from "../../lib/http/endpoint.js";
import { providers } from "../../lib/providers/catalog.js";
import type { Provider } from "../../lib/providers/types.js";
import { pgliteRpc } from "../../lib/store/pglite.js";
import { createStore } from "../../lib/store/store.js";
import { endpointOf, testApp } from "../support/app.js";
import { sample, signedRequest, TEST_URL_BASE } from "../support/requests.js";
import { apiRoutes } from "../../scripts/routes.js";
import { itWhere } from "../support/matrix.js";
import { SAMPLE_FOR } from "../providers/samples.js";

/** A secret per provider, in the form its provider issues (Standard Webhooks: whsec_ + base64). */
const SECRETS: Record<string, string> = {
  clickup: "clickup-fn-secret",
  twilio: "twilio-fn-auth-token",
  chatwoot: "chatwoot-fn-secret",
  stripe: "whsec_stripe_fn_secret",
  github: "github-fn-secret",
  slack: "slack-fn-signing-secret",
  shopify: "shopify-fn-secret",
  standard: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
  linear: "linear-fn-secret",
};

/** The delivery ids each provider sends in a header it does not sign. */
const UNSIGNED_ID_HEADERS: Record<string, string> = {
  github: "x-github-delivery",
  shopify: "x-shopify-event-id",
  chatwoot: "x-chatwoot-delivery",
  linear: "linear-delivery",
  twilio: "i-twilio-idempotency-token",
};

const BODY_LIMIT = 8192;
const env = {
  HOOKGATE_BODY_LIMIT_BYTES: String(BODY_LIMIT),
  // Rate limits have their own tests; here every malformed request must reach the provider.
  RATE_LIMIT_PER_IP: "off",
  RATE_LIMIT_FAILED_VERIFICATIONS: "off",
  ...Object.fromEntries(providers.map((p) => [p.secretEnv, SECRETS[p.name]!])),
};

const functions = new Map<string, Endpoint>();
let gateway: App;
/** The app the calls below are served by: `gateway` unless a test swaps in another. */
let current: App;
/** The same gateway with no provider secret set. */
let unconfigured: App;
let countEvents: (source: string) => Promise<number>;
let countUnconfigured: () => Promise<number>;

beforeAll(async () => {
  for (const route of apiRoutes()) {
    const match = /^\/api\/webhooks\/(.+)$/.exec(route.path);
    if (match)
      functions.set(match[1]!, ((await import(pathToFileURL(route.file).href)) as { default: Endpoint }).default);
  }
  const rpc = await pgliteRpc("memory://");
  countEvents = async (source) =>
    (await rpc.db.query<{ n: number }>("select count(*)::int as n from hookgate.events where source = $1", [source]))
      .rows[0]!.n;
  gateway = await testApp(env, { store: createStore(rpc) });
  const emptyRpc = await pgliteRpc("memory://");
  countUnconfigured = async () =>
    (await emptyRpc.db.query<{ n: number }>("select count(*)::int as n from hookgate.events")).rows[0]!.n;
  unconfigured = await testApp({ LOG_LEVEL: "silent" }, { store: createStore(emptyRpc) });
  current = gateway;
});

afterAll(async () => {
  await settled();
  await Promise.all([gateway.close(), unconfigured.close()]);
});

/** The provider's route (what its api/webhooks/<name>.ts serves), on the current app. */
const call = (provider: Provider, request: Request) =>
  endpointOf(webhook(provider), async () => current).fetch(request);
const valid = (provider: Provider, options: { body?: string | Uint8Array; id?: string; url?: string } = {}) =>
  signedRequest(provider, {
    secret: SECRETS[provider.name]!,
    body: options.body ?? sample(provider.name, SAMPLE_FOR[provider.name]!),
    id: options.id,
    url: options.url,
  });

/** The provider's sample made a distinct event (a fresh message sid, or a fresh JSON field). */
function freshSample(name: string): string {
  const unique = crypto.randomUUID().replaceAll("-", "");
  const text = sample(name, SAMPLE_FOR[name]!);
  if (text.trimStart().startsWith("{")) return text.replace("{", `{"fresh_${unique}": true,`);
  return text.replace(/(MessageSid|SmsSid)=[^&]+/g, `$1=SM${unique}`);
}

/** The duplicate flag, from hookgate's JSON or, where the provider wants another body, its header. */
async function duplicateFlag(response: Response): Promise<boolean> {
  const header = response.headers.get("hookgate-duplicate");
  if (header !== null) return header === "true";
  return ((await response.json()) as { duplicate: boolean }).duplicate;
}

it("every provider in the catalog has its function, and every function its provider", () => {
  expect([...functions.keys()].sort()).toEqual(providers.map((p) => p.name).sort());
});

describe.each(providers.map((p) => [p.name, p] as const))("%s", (name, provider) => {
  it("acknowledges a duplicate once: the second answer says duplicate, one event is stored", async () => {
    const id = `dup-${name}-${crypto.randomUUID()}`;
    const before = await countEvents(name);
    const first = await call(provider, valid(provider, { id }));
    const second = await call(provider, valid(provider, { id }));
    expect([first.status, second.status]).toEqual([200, 200]);
    expect([await duplicateFlag(first), await duplicateFlag(second)]).toEqual([false, true]);
    expect(await countEvents(name)).toBe(before + 1);
  });

  const unsignedId = UNSIGNED_ID_HEADERS[name];
  itWhere(unsignedId !== undefined)(
    `does not record a captured request replayed with a new ${unsignedId} (the header is not signed) as a new event`,
    async () => {
      const before = await countEvents(name);
      const captured = valid(provider, { id: `orig-${crypto.randomUUID()}`, body: freshSample(name) });
      const body = await captured.clone().arrayBuffer();
      const first = await call(provider, captured);
      const headers = new Headers(captured.headers);
      headers.set(unsignedId!, `replayed-${crypto.randomUUID()}`);
      const replay = await call(provider, new Request(captured.url, { method: "POST", headers, body }));
      expect([first.status, replay.status]).toEqual([200, 200]);
      expect([await duplicateFlag(first), await duplicateFlag(replay)]).toEqual([false, true]);
      expect(await countEvents(name)).toBe(before + 1);
    },
  );

  it("answers 503 when its secret is not set, and stores nothing", async () => {
    current = unconfigured;
    try {
      const response = await call(provider, valid(provider));
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ error: "not_configured" });
      expect(await countUnconfigured()).toBe(0);
    } finally {
      current = gateway;
    }
  });

  it("answers 413 to a body over the limit, declared or streamed", async () => {
    const big = new Uint8Array(BODY_LIMIT + 1).fill(0x61);
    expect((await call(provider, valid(provider, { body: big }))).status).toBe(413);
    const streamed = new Request(`${TEST_URL_BASE}/api/webhooks/${name}`, {
      method: "POST",
      body: new ReadableStream({
        start(controller) {
          for (let i = 0; i < 3; i++) controller.enqueue(new Uint8Array(BODY_LIMIT / 2));
          controller.close();
        },
      }),
      duplex: "half",
    } as RequestInit);
    expect((await call(provider, streamed)).status).toBe(413);
  });

  it.each(["GET", "PUT", "DELETE"])("answers 405 to %s, naming POST", async (method) => {
    const response = await call(provider, new Request(`${TEST_URL_BASE}/api/webhooks/${name}`, { method }));
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("POST");
  });

  it("refuses an unsigned request with 401 and stores nothing", async () => {
    const before = await countEvents(name);
    const response = await call(
      provider,
      new Request(`${TEST_URL_BASE}/api/webhooks/${name}`, { method: "POST", body: "{}" }),
    );
    expect(response.status).toBe(401);
    expect(await countEvents(name)).toBe(before);
  });

  // Malformed requests: unsigned garbage must be a 401, signed garbage a 400 (or a 200
  // where the provider really sends such a body); nothing may be a 5xx.
  const GARBAGE_HEADERS = [
    "",
    " ",
    "=",
    ",",
    "v1,",
    "t=,v1=",
    "sha256=",
    "v0=",
    "ÿÿÿÿ",
    "a".repeat(8000),
    "t=99999999999999999999,v1=00",
    "-1",
    "1e3",
  ];
  const signatureHeaders = () =>
    Object.keys(provider.sign({ body: new Uint8Array(), secret: SECRETS[name]!, url: TEST_URL_BASE, now: new Date() }));

  it.each(GARBAGE_HEADERS.map((v) => [JSON.stringify(v.slice(0, 30)), v]))(
    "answers 401, never 5xx, to every signature header set to %s",
    async (_, value) => {
      const headers = Object.fromEntries(signatureHeaders().map((h) => [h, value]));
      const response = await call(
        provider,
        new Request(`${TEST_URL_BASE}/api/webhooks/${name}`, {
          method: "POST",
          headers,
          body: sample(name, SAMPLE_FOR[name]!),
        }),
      );
      expect(response.status).toBe(401);
    },
  );

  const GARBAGE_BODIES: [string, string | Uint8Array][] = [
    ["empty", ""],
    ["not UTF-8", Uint8Array.from([0x7b, 0xff, 0xfe, 0x7d])],
    ["null", "null"],
    ["an array", "[]"],
    ["a string", '"hello"'],
    ["an empty object", "{}"],
    ["truncated JSON", '{"id": "evt_1", "type": '],
    ["deep nesting", "[".repeat(4000) + "]".repeat(4000)],
    [
      "a NUL escape",
      '{"id":"evt_nul","object":"event","type":"x\\u0000y","event":"a\\u0000","webhook_id":"w","action":"create"}',
    ],
    ["wrong field types", '{"id":1,"type":2,"event":3,"webhook_id":4,"action":5,"history_items":"x"}'],
    ["a form", "a=1&a=2&b=%ZZ&payload=%7B"],
    ["a huge number", '{"id":"evt_big","type":"t","webhookTimestamp":1e400}'],
  ];

  it.each(GARBAGE_BODIES)("never answers 5xx to a correctly signed body that is %s", async (_, body) => {
    const response = await call(provider, valid(provider, { body }));
    expect([200, 400, 401]).toContain(response.status);
  });
});

describe("Twilio behind a proxy", () => {
  it("verifies against PUBLIC_BASE_URL, not the host the function sees", async () => {
    const twilio = providers.find((p) => p.name === "twilio")!;
    const behind = await testApp({ ...env, PUBLIC_BASE_URL: "https://hooks.acme.example" });
    current = behind;
    try {
      const signedForPublic = signedRequest(twilio, {
        secret: SECRETS.twilio!,
        body: sample("twilio", "inbound-sms.txt"),
        url: "https://hooks.acme.example/api/webhooks/twilio?tenant=acme",
      });
      // The same request as the function sees it, on the deployment's internal host.
      const seen = new Request("https://hookgate-abc123.vercel.app/api/webhooks/twilio?tenant=acme", {
        method: "POST",
        headers: signedForPublic.headers,
        body: await signedForPublic.arrayBuffer(),
      });
      const response = await call(twilio, seen);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toMatch(/^text\/xml/);
      expect(await response.text()).toMatch(/<Response\/>$/);
    } finally {
      current = gateway;
      await behind.close();
    }
  });
});

describe("Chatwoot without signatures (CHATWOOT_ALLOW_UNSIGNED)", () => {
  const chatwoot = () => providers.find((p) => p.name === "chatwoot")!;
  const unsignedRequest = () =>
    new Request(`${TEST_URL_BASE}/api/webhooks/chatwoot`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: sample("chatwoot", "conversation_status_changed.json"),
    });

  it("accepts unsigned requests only when allowed, and records them unverified", async () => {
    const rpc = await pgliteRpc("memory://");
    const open = await testApp({ LOG_LEVEL: "silent", CHATWOOT_ALLOW_UNSIGNED: "true" }, { store: createStore(rpc) });
    current = open;
    try {
      const response = await call(chatwoot(), unsignedRequest());
      expect(response.status).toBe(200);
      const { rows } = await rpc.db.query<{ verified: boolean }>(
        "select verified from hookgate.events where source = 'chatwoot'",
      );
      expect(rows).toEqual([{ verified: false }]);
    } finally {
      await settled();
      current = gateway;
      await open.close();
    }
  });

  it("answers 503 to them when not allowed and no secret is set", async () => {
    const closed = await testApp({ LOG_LEVEL: "silent", CHATWOOT_ALLOW_UNSIGNED: "false" });
    current = closed;
    try {
      expect((await call(chatwoot(), unsignedRequest())).status).toBe(503);
    } finally {
      current = gateway;
      await closed.close();
    }
  });

  it("answers 401 to them when a secret is set and unsigned is not allowed", async () => {
    expect((await call(chatwoot(), unsignedRequest())).status).toBe(401);
  });
});
