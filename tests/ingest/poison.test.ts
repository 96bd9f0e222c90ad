// Poison events: validly signed bodies whose derived fields Postgres cannot hold as they
// are (a lone surrogate, a NUL, extreme nesting, an id longer than a btree entry). Each
// used to be answered 503 store_unavailable on every retry, forever. Now each is a 2xx:
// the raw bytes stored byte for byte, the payload null with the reason kept, the key
// hashed, and the provider's retry acknowledged as a duplicate. Every JSON provider,
// through its real function, on PGlite and on real PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { settled } from "../../lib/http/after.js";
import type { Endpoint } from "../../lib/http/endpoint.js";
import { webhook } from "../../lib/routes/webhooks.js";
import { providers } from "../../lib/providers/catalog.js";
import type { Provider } from "../../lib/providers/types.js";
import type { App } from "../../lib/app.js";
import { endpointOf, testApp } from "../support/app.js";
import { sample, signedRequest } from "../support/requests.js";
import { targets, type Target } from "../operations/harness.js";
import { SAMPLE_FOR } from "../providers/samples.js";

const SECRETS: Record<string, string> = {
  clickup: "clickup-poison-secret",
  chatwoot: "chatwoot-poison-secret",
  stripe: "whsec_stripe_poison_secret",
  github: "github-poison-secret",
  slack: "slack-poison-signing-secret",
  shopify: "shopify-poison-secret",
  standard: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
  linear: "linear-poison-secret",
};
const JSON_PROVIDERS = providers.filter((p) => p.name in SECRETS);

const env = {
  RATE_LIMIT_PER_IP: "off",
  RATE_LIMIT_FAILED_VERIFICATIONS: "off",
  ...Object.fromEntries(JSON_PROVIDERS.map((p) => [p.secretEnv, SECRETS[p.name]!])),
};

/** Top-level fields that carry a provider's id or event type (whichever the sample has). */
const ID_FIELDS = ["id", "event_id", "webhook_id"];
const TYPE_FIELDS = ["type", "event", "action"];

interface Poison {
  /** Sets fields of the sample (JSON.stringify then spells NUL and lone surrogates as \u escapes). */
  fields?: (json: Record<string, unknown>, unique: string) => void;
  /** A raw member spliced into the body, for what JSON.stringify cannot produce. */
  member?: string;
  /** The id the sender puts in its own id header (Standard Webhooks signs it). */
  id?: (unique: string) => string;
  payloadError: RegExp | null;
  hashedKey?: boolean;
}

const setPresent = (json: Record<string, unknown>, names: string[], value: string) => {
  for (const name of names) if (name in json && typeof json[name] !== "object") json[name] = value;
};

const POISONS: Record<string, Poison> = {
  "a lone surrogate in a string (half an emoji)": {
    member: '"note": "cut in half: \\ud83d"',
    payloadError: /lone UTF-16 surrogate/,
  },
  "a lone surrogate in an object key": {
    member: '"\\udc00": 1',
    payloadError: /lone UTF-16 surrogate/,
  },
  "a NUL escape in a string": {
    member: '"note": "a\\u0000b"',
    payloadError: /NUL/,
  },
  "nesting 10,000 deep": {
    member: `"deep": ${"[".repeat(10_000)}${"]".repeat(10_000)}`,
    payloadError: /nested deeper than/,
  },
  "a NUL and a lone surrogate in its id and event type": {
    fields: (json, unique) => {
      setPresent(json, ID_FIELDS, `evt_\u0000\ud83d_${unique}`);
      setPresent(json, TYPE_FIELDS, "payment\u0000\ud83d");
      if (typeof json.event === "object" && json.event !== null)
        (json.event as Record<string, unknown>).type = "app\u0000mention";
    },
    id: (unique) => `msg_${unique}`,
    payloadError: /NUL/,
  },
  "an id of 3,000 bytes (over a btree entry)": {
    fields: (json, unique) => setPresent(json, ID_FIELDS, `evt_${unique}_${"x".repeat(3000)}`),
    id: (unique) => `msg_${unique}_${"x".repeat(3000)}`,
    payloadError: null,
    hashedKey: true,
  },
};

function poisoned(provider: Provider, poison: Poison): { body: Uint8Array; id: string } {
  const unique = crypto.randomUUID();
  const json = JSON.parse(sample(provider.name, SAMPLE_FOR[provider.name]!)) as Record<string, unknown>;
  setPresent(json, ID_FIELDS, `evt_${unique}`);
  json.poison_test = unique;
  poison.fields?.(json, unique);
  let text = JSON.stringify(json);
  if (poison.member) text = `${text.slice(0, -1)}, ${poison.member}}`;
  return { body: new TextEncoder().encode(text), id: poison.id?.(unique) ?? `msg_${unique}` };
}

describe.each(targets.map((t) => [t.name, t] as const))("poison events on %s", (_, factory) => {
  let target: Target;
  let gateway: App;
  const functions = new Map<string, Endpoint>();

  beforeAll(async () => {
    target = await factory.open();
    gateway = await testApp(env, { store: target.store });
    for (const provider of JSON_PROVIDERS)
      functions.set(
        provider.name,
        endpointOf(webhook(provider), async () => gateway),
      );
  });
  afterAll(async () => {
    await settled();
    await target.close(); // the gateway's store is the target's: closing the target closes it
  });

  const send = async (provider: Provider, body: Uint8Array, id: string) => {
    const response = await functions
      .get(provider.name)!
      .fetch(signedRequest(provider, { secret: SECRETS[provider.name]!, body, id }));
    return { status: response.status, answer: (await response.json()) as { id: string; duplicate: boolean } };
  };

  describe.each(JSON_PROVIDERS.map((p) => [p.name, p] as const))("%s", (_, provider) => {
    it.each(Object.entries(POISONS))(
      "stores a signed body with %s (2xx, bytes kept, retry a duplicate)",
      async (_, poison) => {
        const { body, id } = poisoned(provider, poison);
        const first = await send(provider, body, id);
        expect(first).toMatchObject({ status: 200, answer: { duplicate: false } });
        expect(first.answer.id).toMatch(/^[0-9a-f-]{36}$/);

        const row = await target.one<{
          raw: string;
          payload_null: boolean;
          payload_error: string | null;
          key: string;
          type: string | null;
        }>(
          `select encode(raw_body, 'hex') as raw, payload is null as payload_null, payload_error, dedup_key as key, event_type as type
           from hookgate.events where id = '${first.answer.id}'`,
        );
        expect(row.raw).toBe(Buffer.from(body).toString("hex"));
        if (poison.payloadError) {
          expect(row.payload_null).toBe(true);
          expect(row.payload_error).toMatch(poison.payloadError);
        } else {
          expect(row).toMatchObject({ payload_null: false, payload_error: null });
        }
        expect(Buffer.byteLength(row.key)).toBeLessThanOrEqual(200);
        if (poison.hashedKey) expect(row.key).toMatch(/sha256:[0-9a-f]{64}$/);
        expect(row.type ?? "").not.toMatch(/\0/);

        // The provider's retry: the same bytes, signed again (a new timestamp where it has one).
        const retry = await send(provider, body, id);
        expect(retry).toEqual({ status: 200, answer: { id: first.answer.id, duplicate: true } });
        const count = await target.one<{ n: number }>(
          `select count(*)::int as n from hookgate.events where id = '${first.answer.id}'`,
        );
        expect(count.n).toBe(1);
      },
    );

    it("stores a body with numbers beyond a double (1e400) with its payload", async () => {
      const { body, id } = poisoned(provider, {
        member: '"huge": 1e400, "long": 123456789012345678901234567890',
        payloadError: null,
      });
      const first = await send(provider, body, id);
      expect(first).toMatchObject({ status: 200, answer: { duplicate: false } });
      const row = await target.one<{ raw: string; payload_null: boolean }>(
        `select encode(raw_body, 'hex') as raw, payload is null as payload_null from hookgate.events where id = '${first.answer.id}'`,
      );
      expect(row).toEqual({ raw: Buffer.from(body).toString("hex"), payload_null: false });
    });
  });
});
