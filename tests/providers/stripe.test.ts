// Stripe, checked against stripe-node: what it signs hookgate accepts, what hookgate
// signs it accepts, and every tampering is refused with its reason.
import Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { stripe } from "../../lib/providers/stripe.js";
import { sample } from "../support/requests.js";
import { accepted, encode, flipByte, rejected, shifted, verify, webhookRequest } from "./helpers.js";

const secret = "whsec_test_2b7c9e1f4a6d8c0e3b5a7f9d1c3e5a7b";
const body = sample("stripe", "payment_intent.succeeded.json");
const now = new Date("2026-11-22T03:14:07Z");
const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

/** The Stripe-Signature header stripe-node would send. */
function sdkHeader(options: { payload?: string; secret?: string; at?: Date } = {}): string {
  return Stripe.webhooks.generateTestHeaderString({
    payload: options.payload ?? body,
    secret: options.secret ?? secret,
    timestamp: seconds(options.at ?? now),
  });
}

const check = (header: string | null, payload: string | Uint8Array = body, secrets = [secret]) =>
  verify(stripe, secrets, {
    body: payload,
    headers: header === null ? {} : { "stripe-signature": header },
    receivedAt: now,
  });

describe("Stripe signatures made by stripe-node", () => {
  it("are accepted", () => {
    expect(check(sdkHeader())).toEqual(accepted);
  });

  it("are accepted with any listed secret (rotation)", () => {
    expect(check(sdkHeader(), body, ["whsec_retired", secret])).toEqual(accepted);
  });

  it("are accepted when one of several v1 entries matches (Stripe rolling a secret)", () => {
    const old = sdkHeader({ secret: "whsec_old" });
    const current = /v1=([0-9a-f]+)/.exec(sdkHeader())![1];
    expect(check(`${old},v1=${current}`)).toEqual(accepted);
  });

  it("are accepted when the header also holds an entry that is not key=value (skipped, as stripe-node does)", () => {
    expect(check(`garbage,${sdkHeader()}`)).toEqual(accepted);
  });

  it("are accepted up to 300 s old", () => {
    expect(check(sdkHeader({ at: shifted(now, -300) }))).toEqual(accepted);
  });

  it.each<[string, () => ReturnType<typeof check>, string]>([
    ["a body byte changed", () => check(sdkHeader(), flipByte(body, 10)), "bad_signature"],
    [
      "the timestamp rewritten without re-signing",
      () => check(sdkHeader().replace(/t=\d+/, `t=${seconds(now) + 1}`)),
      "bad_signature",
    ],
    ["a timestamp 301 s old", () => check(sdkHeader({ at: shifted(now, -301) })), "stale_timestamp"],
    ["the wrong secret", () => check(sdkHeader({ secret: "whsec_other" })), "bad_signature"],
    ["a truncated signature", () => check(sdkHeader().slice(0, -2)), "bad_signature"],
    ["a non-hex signature", () => check(`t=${seconds(now)},v1=${"z".repeat(64)}`), "malformed_signature"],
    ["no header", () => check(null), "missing_signature"],
    ["no v1 entry", () => check(`t=${seconds(now)},v0=${"0".repeat(64)}`), "missing_signature"],
    ["no timestamp", () => check(sdkHeader().replace(/t=\d+,/, "")), "missing_timestamp"],
    ["a timestamp that is not a number", () => check(sdkHeader().replace(/t=\d+/, "t=12abc")), "missing_timestamp"],
  ])("are refused with %s", (_, run, reason) => {
    expect(run()).toEqual(rejected(reason));
  });
});

describe("Stripe signatures made by hookgate", () => {
  it("are accepted by stripe-node's constructEvent", () => {
    const headers = stripe.sign({ body: encode(body), secret, url: "", now });
    const event = Stripe.webhooks.constructEvent(
      body,
      headers["stripe-signature"]!,
      secret,
      300,
      undefined,
      now.getTime(),
    );
    expect(event.id).toBe("evt_3QfTq2Lk8vYb1N0c1aB2cD3e");
  });
});

describe("Stripe events", () => {
  const parse = (text: string) => stripe.parse(webhookRequest(stripe, { body: text, headers: {} }));

  it("are deduplicated by event id and typed by event type", () => {
    const parsed = parse(body);
    expect(parsed.ok && [parsed.event.dedupKey, parsed.event.type]).toEqual([
      "evt_3QfTq2Lk8vYb1N0c1aB2cD3e",
      "payment_intent.succeeded",
    ]);
  });

  it.each([
    ["no id", '{"object":"event","type":"charge.succeeded"}'],
    ["no type", '{"id":"evt_1","object":"event"}'],
    ["not JSON", "id=evt_1"],
  ])("refuse a body with %s", (_, text) => {
    expect(parse(text).ok).toBe(false);
  });
});
