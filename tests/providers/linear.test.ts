// Linear: the signer checked against openssl, each tampering refused, and the ±60 s
// window read from the signed body's webhookTimestamp before the unsigned header.
import { createHash } from "node:crypto";
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

describe("Linear send times", () => {
  it.each([
    ["a string", "1795000000000"],
    ["a fraction", 1_795_000_000_000.5],
  ])("a webhookTimestamp that is %s is no send time, whatever the header says", (_, value) => {
    const payload = JSON.stringify({ ...JSON.parse(body), webhookTimestamp: value });
    expect(check(signed(payload), payload)).toEqual(rejected("missing_timestamp"));
  });

  it("a signed body that is not UTF-8 takes its time from the header (parse then refuses it)", () => {
    const bytes = Uint8Array.from([0x7b, 0xff, 0x7d]);
    const headers = linear.sign({ body: bytes, secret, url: "", now });
    expect(check(headers, bytes)).toEqual(accepted);
    expect(linear.parse(webhookRequest(linear, { body: bytes, headers }))).toEqual({
      ok: false,
      reason: "body is not UTF-8",
    });
  });

  it("a signed body that is not JSON takes its time from the header (parse then refuses it)", () => {
    const headers = linear.sign({ body: encode("not json"), secret, url: "", now });
    expect(check(headers, "not json")).toEqual(accepted);
    expect(linear.parse(webhookRequest(linear, { body: "not json", headers }))).toEqual({
      ok: false,
      reason: "body is not JSON",
    });
  });
});

describe("Linear signatures made by hookgate", () => {
  it("name the body's type in Linear-Event, and the delivery id given", () => {
    const headers = signed();
    expect([headers["linear-event"], headers["linear-delivery"]]).toEqual(["Issue", "del-1"]);
    expect(signed(JSON.stringify({ type: "Comment", action: "create" }))["linear-event"]).toBe("Comment");
  });

  it("fall back to Issue for a body whose type is not a plain word, and make up a delivery id", () => {
    const headers = linear.sign({ body: encode('{"type":"a b","action":"x"}'), secret, url: "", now });
    expect(headers["linear-event"]).toBe("Issue");
    expect(headers["linear-delivery"]).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("Linear events nested too deep to serialise", () => {
  it("are keyed by their bytes (JSON.parse reads what JSON.stringify cannot write back)", () => {
    const depth = 200_000;
    // Spaced, so the re-serialised JSON would hash differently from the bytes.
    const deep = `{"type": "Issue", "action": "create", "data": ${"[".repeat(depth)}${"]".repeat(depth)}}`;
    const parsed = linear.parse(webhookRequest(linear, { body: deep, headers: {} }));
    expect(parsed.ok && parsed.event.dedupKey).toBe(`sha256:${createHash("sha256").update(deep).digest("hex")}`);
  });
});
