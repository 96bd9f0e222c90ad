// Shopify: the signer checked against openssl (and the official vector in
// vectors.test.ts), both header spellings, each tampering refused, topic and event id.
import { describe, expect, it } from "vitest";
import { shopify } from "../../lib/providers/shopify.js";
import { sample } from "../support/requests.js";
import { accepted, encode, flipByte, opensslHmac, rejected, verify, webhookRequest, withHeader } from "./helpers.js";

const secret = "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";
const body = sample("shopify", "orders-create.json");
const signed = (key = secret) => shopify.sign({ body: encode(body), secret: key, url: "", now: new Date(), id: "evt-1" });
const check = (headers: Record<string, string>, payload: string | Uint8Array = body) => verify(shopify, [secret], { body: payload, headers });
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
    ["a truncated signature (still base64)", () => check(withHeader(signed(), HMAC, signed()[HMAC]!.slice(0, -4))), "bad_signature"],
    ["a truncated signature (no longer base64)", () => check(withHeader(signed(), HMAC, signed()[HMAC]!.slice(0, -1))), "malformed_signature"],
    ["a hex signature", () => check(withHeader(signed(), HMAC, opensslHmac(secret, body, "hex"))), "bad_signature"],
    ["a non-base64 signature", () => check(withHeader(signed(), HMAC, "%%%=")), "malformed_signature"],
    ["no signature", () => check(withHeader(signed(), HMAC, null)), "missing_signature"],
  ])("are refused with %s", (_, run, reason) => {
    expect(run()).toEqual(rejected(reason));
  });
});

describe("Shopify webhooks", () => {
  const parse = (headers: Record<string, string>) => shopify.parse(webhookRequest(shopify, { body, headers }));

  it("are typed by topic and deduplicated by the event id", () => {
    const parsed = parse({ "x-shopify-topic": "orders/create", "x-shopify-event-id": "98880550-7158-44d4-b7cd-2c97c8a091b5", "x-shopify-webhook-id": "w-1" });
    expect(parsed.ok && [parsed.event.type, parsed.event.dedupKey]).toEqual(["orders/create", "98880550-7158-44d4-b7cd-2c97c8a091b5"]);
  });

  it("fall back to the webhook id when there is no event id (older deliveries)", () => {
    const parsed = parse({ "x-shopify-topic": "orders/create", "x-shopify-webhook-id": "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043" });
    expect(parsed.ok && parsed.event.dedupKey).toBe("b54557e4-bdd9-4b37-8a5f-bf7d70bcd043");
  });

  it("read the new header spelling too", () => {
    const parsed = parse({ "shopify-topic": "orders/paid", "shopify-event-id": "e-2" });
    expect(parsed.ok && [parsed.event.type, parsed.event.dedupKey]).toEqual(["orders/paid", "e-2"]);
  });
});
