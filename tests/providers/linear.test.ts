// Linear: the signer checked against openssl, each tampering refused, and the ±60 s
// window read from the signed body's webhookTimestamp before the unsigned header.
import { describe, expect, it } from "vitest";
import { linear } from "../../lib/providers/linear.js";
import { sample } from "../support/requests.js";
import {
  accepted,
  encode,
  flipByte,
  opensslHmac,
  rejected,
  shifted,
  verify,
  webhookRequest,
  withHeader,
} from "./helpers.js";

const secret = "lin_wh_3c9a7e1f5b2d8c4e6a0f";
const now = new Date("2026-11-22T03:14:07Z");
const body = sample("linear", "issue-create.json");
const stamped = (at: Date) => JSON.stringify({ ...JSON.parse(body), webhookTimestamp: at.getTime() });
const signed = (payload = body, at = now, key = secret) =>
  linear.sign({ body: encode(payload), secret: key, url: "", now: at, id: "del-1" });
const check = (headers: Record<string, string>, payload: string | Uint8Array = body) =>
  verify(linear, [secret], { body: payload, headers, receivedAt: now });
const SIGNATURE = "linear-signature";

describe("Linear signatures", () => {
  it("match a second implementation (openssl)", () => {
    expect(signed()[SIGNATURE]).toBe(opensslHmac(secret, body, "hex"));
  });

  it("are accepted, with any listed secret", () => {
    expect(check(signed())).toEqual(accepted);
    expect(verify(linear, ["old", secret], { body, headers: signed(), receivedAt: now })).toEqual(accepted);
  });

  it.each([-60, 60])("are accepted %i s from our clock (body timestamp)", (offset) => {
    const payload = stamped(shifted(now, offset));
    expect(check(signed(payload), payload)).toEqual(accepted);
  });

  it.each<[string, () => ReturnType<typeof check>, string]>([
    ["a body byte changed", () => check(signed(), flipByte(body, 9)), "bad_signature"],
    [
      "a body timestamp 61 s old",
      () => check(signed(stamped(shifted(now, -61))), stamped(shifted(now, -61))),
      "stale_timestamp",
    ],
    [
      "a body timestamp 61 s ahead",
      () => check(signed(stamped(shifted(now, 61))), stamped(shifted(now, 61))),
      "stale_timestamp",
    ],
    ["a header timestamp 61 s old", () => check(signed(body, shifted(now, -61))), "stale_timestamp"],
    // A replay cannot refresh the time: the signed body's timestamp wins over the header.
    [
      "an old body replayed with a fresh header",
      () =>
        check(
          { ...signed(stamped(shifted(now, -600))), "linear-timestamp": String(now.getTime()) },
          stamped(shifted(now, -600)),
        ),
      "stale_timestamp",
    ],
    ["no timestamp anywhere", () => check(withHeader(signed(), "linear-timestamp", null)), "missing_timestamp"],
    ["the wrong secret", () => check(signed(body, now, "other")), "bad_signature"],
    [
      "a truncated signature",
      () => check(withHeader(signed(), SIGNATURE, signed()[SIGNATURE]!.slice(0, -2))),
      "bad_signature",
    ],
    ["a non-hex signature", () => check(withHeader(signed(), SIGNATURE, "n0t-hex")), "malformed_signature"],
    ["no signature", () => check(withHeader(signed(), SIGNATURE, null)), "missing_signature"],
  ])("are refused with %s", (_, run, reason) => {
    expect(run()).toEqual(rejected(reason));
  });
});

describe("Linear events", () => {
  const parse = (text: string, headers: Record<string, string> = {}) =>
    linear.parse(webhookRequest(linear, { body: text, headers }));

  const key = (text: string, headers: Record<string, string> = {}) => {
    const parsed = parse(text, headers);
    return parsed.ok ? parsed.event.dedupKey : undefined;
  };

  it("are typed <type>.<action> and keyed by the signed body", () => {
    const parsed = parse(body, { "linear-delivery": "234d1a4e-b617-4388-90fe-adc3633d6b72" });
    expect(parsed.ok && parsed.event.type).toBe("Issue.create");
    expect(parsed.ok && parsed.event.dedupKey).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it("keep the key when a replay changes the unsigned Linear-Delivery, or a retry the webhookTimestamp in the body", () => {
    const json = JSON.parse(body) as Record<string, unknown>;
    const sent = JSON.stringify({ ...json, webhookTimestamp: 1_795_000_000_000 });
    const retried = JSON.stringify({ ...json, webhookTimestamp: 1_795_000_060_000 });
    const original = key(sent, { "linear-delivery": "d-1" });
    expect(key(sent, { "linear-delivery": "d-2" })).toBe(original);
    expect(key(retried, { "linear-delivery": "d-3" })).toBe(original);
  });

  it("keep distinct events apart", () => {
    const json = JSON.parse(body) as Record<string, unknown>;
    expect(key(JSON.stringify({ ...json, createdAt: "2026-01-01T00:00:00.001Z" }))).not.toBe(key(body));
    expect(key(JSON.stringify({ ...json, action: "update" }))).not.toBe(key(body));
  });

  it("without an action are malformed", () => {
    expect(parse('{"type":"Issue"}').ok).toBe(false);
  });
});
