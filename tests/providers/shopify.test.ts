// Shopify: the signer checked against openssl (and the official vector in
// vectors.test.ts), both header spellings, each tampering refused, topic and event id.
import { describe, expect, it } from "vitest";
import { shopify } from "../../lib/providers/shopify.js";
import { sample } from "../support/requests.js";
import { accepted, encode, flipByte, opensslHmac, rejected, verify, webhookRequest, withHeader } from "./helpers.js";

const secret = "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";
const body = sample("shopify", "orders-create.json");
const signed = (key = secret) =>
  shopify.sign({ body: encode(body), secret: key, url: "", now: new Date(), id: "evt-1" });
const check = (headers: Record<string, string>, payload: string | Uint8Array = body) =>
  verify(shopify, [secret], { body: payload, headers });
const HMAC = "x-shopify-hmac-sha256";

describe("Shopify signatures", () => {
  it("match a second implementation (openssl, base64)", () => {
    expect(signed()[HMAC]).toBe(opensslHmac(secret, body, "base64"));
  });

  it("are accepted in the classic and the new header spelling, with any listed secret", () => {
    expect(check(signed())).toEqual(accepted);
    expect(check({ "shopify-hmac-sha256": signed()[HMAC]! })).toEqual(accepted);
    expect(verify(shopify, ["old", secret], { body, headers: signed() })).toEqual(accepted);
  });

  it.each<[string, () => ReturnType<typeof check>, string]>([
    ["a body byte changed", () => check(signed(), flipByte(body, 7)), "bad_signature"],
    ["the wrong secret", () => check(signed("other")), "bad_signature"],
    [
      "a truncated signature (still base64)",
      () => check(withHeader(signed(), HMAC, signed()[HMAC]!.slice(0, -4))),
      "bad_signature",
    ],
    [
      "a truncated signature (no longer base64)",
      () => check(withHeader(signed(), HMAC, signed()[HMAC]!.slice(0, -1))),
      "malformed_signature",
    ],
    ["a hex signature", () => check(withHeader(signed(), HMAC, opensslHmac(secret, body, "hex"))), "bad_signature"],
    ["a non-base64 signature", () => check(withHeader(signed(), HMAC, "%%%=")), "malformed_signature"],
    ["no signature", () => check(withHeader(signed(), HMAC, null)), "missing_signature"],
  ])("are refused with %s", (_, run, reason) => {
    expect(run()).toEqual(rejected(reason));
  });
});

describe("Shopify webhooks", () => {
  const parse = (headers: Record<string, string>) => shopify.parse(webhookRequest(shopify, { body, headers }));

  const key = (headers: Record<string, string>) => {
    const parsed = parse(headers);
    return parsed.ok ? parsed.event.dedupKey : undefined;
  };

  it("are typed by topic and keyed by the hash of the topic and the signed body", () => {
    const parsed = parse({
      "x-shopify-topic": "orders/create",
      "x-shopify-event-id": "98880550-7158-44d4-b7cd-2c97c8a091b5",
      "x-shopify-webhook-id": "w-1",
    });
    expect(parsed.ok && parsed.event.type).toBe("orders/create");
    expect(parsed.ok && parsed.event.dedupKey).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it("keep the key when a replay changes the unsigned X-Shopify-Event-Id or X-Shopify-Webhook-Id", () => {
    const original = key({
      "x-shopify-topic": "orders/create",
      "x-shopify-event-id": "e-1",
      "x-shopify-webhook-id": "w-1",
    });
    expect(
      key({ "x-shopify-topic": "orders/create", "x-shopify-event-id": "e-2", "x-shopify-webhook-id": "w-2" }),
    ).toBe(original);
    expect(key({ "x-shopify-topic": "orders/create" })).toBe(original);
  });

  it("keep two topics fired with the same order body apart (orders/create and orders/paid are two events)", () => {
    expect(key({ "x-shopify-topic": "orders/paid", "x-shopify-event-id": "e-1" })).not.toBe(
      key({ "x-shopify-topic": "orders/create", "x-shopify-event-id": "e-1" }),
    );
  });

  it("without a topic are untyped, and keyed apart from any topic", () => {
    const parsed = parse({});
    expect(parsed.ok && parsed.event.type).toBeNull();
    expect(parsed.ok && parsed.event.dedupKey).not.toBe(key({ "x-shopify-topic": "orders/create" }));
  });

  it("that are not JSON are refused", () => {
    expect(shopify.parse(webhookRequest(shopify, { body: "a=1", headers: {} }))).toEqual({
      ok: false,
      reason: "body is not JSON",
    });
  });

  it("read the new header spelling too", () => {
    const parsed = parse({ "shopify-topic": "orders/paid", "shopify-event-id": "e-2" });
    expect(parsed.ok && [parsed.event.type, parsed.event.dedupKey]).toEqual([
      "orders/paid",
      key({ "x-shopify-topic": "orders/paid" }),
    ]);
  });
});
