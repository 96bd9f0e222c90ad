// Chatwoot ≥ 4.11.2: the signer checked against openssl over `<timestamp>.<body>`,
// each tampering refused; unsigned (older) Chatwoot only when the operator allows it.
import { describe, expect, it } from "vitest";
import { chatwoot } from "../../lib/providers/chatwoot.js";
import { sha256Hex } from "../../lib/signing/scheme.js";
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

const secret = "cw-secret-71e3b9a2d4c6";
const body = sample("chatwoot", "message_created.json");
const now = new Date("2026-11-22T03:14:07Z");
const signed = (at = now, key = secret) =>
  chatwoot.sign({ body: encode(body), secret: key, url: "", now: at, id: "d-1" });
const check = (headers: Record<string, string>, payload: string | Uint8Array = body) =>
  verify(chatwoot, [secret], { body: payload, headers, receivedAt: now });
const SIGNATURE = "x-chatwoot-signature";

describe("Chatwoot signatures", () => {
  it("match a second implementation (openssl) over <timestamp>.<body>", () => {
    const headers = signed();
    expect(headers[SIGNATURE]).toBe(
      `sha256=${opensslHmac(secret, `${headers["x-chatwoot-timestamp"]}.${body}`, "hex")}`,
    );
  });

  it("are accepted, with any listed secret", () => {
    expect(check(signed())).toEqual(accepted);
    expect(verify(chatwoot, ["old", secret], { body, headers: signed(), receivedAt: now })).toEqual(accepted);
  });

  it.each<[string, () => ReturnType<typeof check>, string]>([
    ["a body byte changed", () => check(signed(), flipByte(body, 15)), "bad_signature"],
    [
      "the timestamp rewritten without re-signing",
      () => check(withHeader(signed(), "x-chatwoot-timestamp", String(now.getTime() / 1000 - 1))),
      "bad_signature",
    ],
    ["a timestamp 301 s old", () => check(signed(shifted(now, -301))), "stale_timestamp"],
    ["a timestamp 301 s ahead", () => check(signed(shifted(now, 301))), "stale_timestamp"],
    ["the wrong secret", () => check(signed(now, "other")), "bad_signature"],
    [
      "a truncated signature",
      () => check(withHeader(signed(), SIGNATURE, signed()[SIGNATURE]!.slice(0, -2))),
      "bad_signature",
    ],
    ["a non-hex signature", () => check(withHeader(signed(), SIGNATURE, "sha256=xyz")), "malformed_signature"],
    [
      "no sha256= prefix",
      () => check(withHeader(signed(), SIGNATURE, signed()[SIGNATURE]!.slice(7))),
      "malformed_signature",
    ],
    ["no signature", () => check(withHeader(signed(), SIGNATURE, null)), "missing_signature"],
    ["no timestamp", () => check(withHeader(signed(), "x-chatwoot-timestamp", null)), "missing_timestamp"],
  ])("are refused with %s", (_, run, reason) => {
    expect(run()).toEqual(rejected(reason));
  });
});

describe("Chatwoot signatures made by hookgate", () => {
  it("carry a fresh delivery id when none is given, as Chatwoot's own do", () => {
    const headers = chatwoot.sign({ body: encode(body), secret, url: "", now });
    expect(headers["x-chatwoot-delivery"]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(check(headers)).toEqual(accepted);
  });
});

describe("unsigned Chatwoot (before 4.11.2)", () => {
  const unsigned = (secrets: string[], allowUnsigned: boolean, headers: Record<string, string> = {}) =>
    chatwoot.verify(webhookRequest(chatwoot, { body, headers, receivedAt: now }), { secrets, allowUnsigned });

  it("is refused unless the operator allows it", () => {
    expect(unsigned([secret], false)).toEqual(rejected("missing_signature"));
  });

  it("is accepted, unverified, when allowed", () => {
    expect(unsigned([], true)).toEqual({ ok: true, verified: false });
    expect(unsigned([secret], true)).toEqual({ ok: true, verified: false });
  });

  it("does not excuse a wrong signature when a secret is set", () => {
    expect(unsigned([secret], true, signed(now, "other"))).toEqual(rejected("bad_signature"));
  });

  it("a correct signature is still verified when unsigned is allowed", () => {
    expect(unsigned([secret], true, signed())).toEqual(accepted);
  });

  it("a signed request is unverified when unsigned is allowed and no secret is set: nothing checked it", () => {
    expect(unsigned([], true, signed())).toEqual({ ok: true, verified: false });
  });
});

describe("Chatwoot events", () => {
  const parse = (text: string, headers: Record<string, string> = {}) =>
    chatwoot.parse(webhookRequest(chatwoot, { body: text, headers }));

  it.each([
    "message_created",
    "message_updated",
    "conversation_created",
    "conversation_status_changed",
    "conversation_resolved",
  ])("%s is typed by its event name and keyed by the hash of the signed body", (event) => {
    const text = JSON.stringify({ event, id: 1 });
    const parsed = parse(text, { "x-chatwoot-delivery": "7b2f0c1e-uuid" });
    expect(parsed.ok && [parsed.event.type, parsed.event.dedupKey]).toEqual([event, `sha256:${sha256Hex(text)}`]);
  });

  it("keep the same key when a replay changes the unsigned X-Chatwoot-Delivery or a retry the timestamp", () => {
    const text = sample("chatwoot", "message_created.json");
    const first = parse(text, { "x-chatwoot-delivery": "d-1", "x-chatwoot-timestamp": "1700000000" });
    const replay = parse(text, { "x-chatwoot-delivery": "d-2", "x-chatwoot-timestamp": "1700000060" });
    const other = parse(text.replace(/"id": 48213/, '"id": 48214'), { "x-chatwoot-delivery": "d-1" });
    expect(first.ok && replay.ok && first.event.dedupKey === replay.event.dedupKey).toBe(true);
    expect(first.ok && other.ok && first.event.dedupKey !== other.event.dedupKey).toBe(true);
  });

  it("without a delivery id (unsigned Chatwoot) are keyed by the body", () => {
    const parsed = parse(sample("chatwoot", "conversation_status_changed.json"));
    expect(parsed.ok && parsed.event.dedupKey).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it("without an event name are malformed", () => {
    expect(parse('{"id":1}').ok).toBe(false);
  });
});
