// Slack: the signer checked against openssl, then each tampering refused, and the
// three kinds of body (Events API JSON, slash command form, interaction payload).
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { slack } from "../../lib/providers/slack.js";
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

const secret = "8f742231b10e8888abcd99yyyzzz85a5";
const body = sample("slack", "event_callback.json");
const now = new Date("2026-11-22T03:14:07Z");
const signed = (at = now, key = secret, payload = body) =>
  slack.sign({ body: encode(payload), secret: key, url: "", now: at });
const check = (headers: Record<string, string>, payload: string | Uint8Array = body) =>
  verify(slack, [secret], { body: payload, headers, receivedAt: now });

describe("Slack signatures", () => {
  it("match a second implementation (openssl) over v0:<timestamp>:<body>", () => {
    const headers = signed();
    const base = `v0:${headers["x-slack-request-timestamp"]}:${body}`;
    expect(headers["x-slack-signature"]).toBe(`v0=${opensslHmac(secret, base, "hex")}`);
  });

  it("are accepted, with any listed secret", () => {
    expect(check(signed())).toEqual(accepted);
    expect(verify(slack, ["old", secret], { body, headers: signed(), receivedAt: now })).toEqual(accepted);
  });

  it.each([-300, 300])("are accepted %i s from our clock", (offset) => {
    expect(check(signed(shifted(now, offset)))).toEqual(accepted);
  });

  it.each<[string, () => ReturnType<typeof check>, string]>([
    ["a body byte changed", () => check(signed(), flipByte(body, 30)), "bad_signature"],
    [
      "the timestamp rewritten without re-signing",
      () => check(withHeader(signed(), "x-slack-request-timestamp", String(now.getTime() / 1000 + 1))),
      "bad_signature",
    ],
    ["a timestamp 301 s old", () => check(signed(shifted(now, -301))), "stale_timestamp"],
    ["a timestamp 301 s ahead", () => check(signed(shifted(now, 301))), "stale_timestamp"],
    ["the wrong secret", () => check(signed(now, "other")), "bad_signature"],
    [
      "a truncated signature",
      () => check(withHeader(signed(), "x-slack-signature", signed()["x-slack-signature"]!.slice(0, -2))),
      "bad_signature",
    ],
    [
      "a non-hex signature",
      () => check(withHeader(signed(), "x-slack-signature", `v0=${"q".repeat(64)}`)),
      "malformed_signature",
    ],
    [
      "another version prefix",
      () => check(withHeader(signed(), "x-slack-signature", signed()["x-slack-signature"]!.replace("v0=", "v1="))),
      "malformed_signature",
    ],
    ["no signature", () => check(withHeader(signed(), "x-slack-signature", null)), "missing_signature"],
    ["no timestamp", () => check(withHeader(signed(), "x-slack-request-timestamp", null)), "missing_timestamp"],
  ])("are refused with %s", (_, run, reason) => {
    expect(run()).toEqual(rejected(reason));
  });
});

describe("Slack requests", () => {
  const request = (text: string, headers: Record<string, string> = { "content-type": "application/json" }) =>
    webhookRequest(slack, { body: text, headers });
  const parse = (text: string, headers?: Record<string, string>) => slack.parse(request(text, headers));
  const form = { "content-type": "application/x-www-form-urlencoded" };

  it("Events API: deduplicated by event_id (the same on every retry), typed by the inner event", () => {
    const parsed = parse(body);
    expect(parsed.ok && [parsed.event.dedupKey, parsed.event.type]).toEqual(["Ev08MFMKH6", "app_mention"]);
  });

  it("url_verification: answered with the challenge", async () => {
    const text = sample("slack", "url_verification.json");
    const parsed = parse(text);
    const response = parsed.ok
      ? slack.acknowledge!(request(text), parsed.event, { id: "e1", duplicate: false })
      : undefined;
    expect(response?.headers.get("content-type")).toBe("application/json");
    expect(await response?.json()).toEqual({ challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" });
  });

  it("url_verification without a challenge is malformed", () => {
    expect(parse('{"type":"url_verification"}').ok).toBe(false);
  });

  it("slash command (form): keyed by trigger_id, answered with an empty 200", async () => {
    const text = sample("slack", "slash-command.txt");
    const parsed = parse(text, form);
    expect(parsed.ok && [parsed.event.type, parsed.event.dedupKey]).toEqual([
      "slash_command",
      "trigger:13345224609.738474920.8088930838d88f008e0",
    ]);
    const response = parsed.ok
      ? slack.acknowledge!(request(text, form), parsed.event, { id: "e1", duplicate: false })
      : undefined;
    expect(response?.status).toBe(200);
    expect(await response?.text()).toBe("");
  });

  it("interaction (form field `payload` holding JSON): typed by the payload's type", () => {
    const payload = JSON.stringify({
      type: "block_actions",
      trigger_id: "123.456.abc",
      actions: [{ action_id: "approve" }],
    });
    const parsed = parse(`payload=${encodeURIComponent(payload)}`, form);
    expect(parsed.ok && [parsed.event.type, parsed.event.dedupKey]).toEqual(["block_actions", "trigger:123.456.abc"]);
  });

  it.each([
    ["a form with neither command nor payload", "foo=bar", form],
    ["an interaction payload that is not JSON", "payload=%7Bnope", form],
    ["JSON without a type", '{"event_id":"Ev1"}', undefined],
  ])("refuse %s", (_, text, headers) => {
    expect(parse(text, headers).ok).toBe(false);
  });
});

describe("Slack requests, the less common shapes", () => {
  const form = { "content-type": "application/x-www-form-urlencoded" };
  const json = { "content-type": "application/json" };
  const request = (text: string | Uint8Array, headers: Record<string, string>) =>
    webhookRequest(slack, { body: text, headers });
  const typeAndKey = (text: string | Uint8Array, headers: Record<string, string>) => {
    const parsed = slack.parse(request(text, headers));
    return parsed.ok ? [parsed.event.type, parsed.event.dedupKey] : parsed.reason;
  };
  const bytesKey = (text: string) => `sha256:${createHash("sha256").update(text).digest("hex")}`;

  it("a form body is signed as a form, and verifies", () => {
    const text = sample("slack", "slash-command.txt");
    const headers = signed(now, secret, text);
    expect(headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(check(headers, text)).toEqual(accepted);
  });

  it("an Events API event is answered with hookgate's own JSON", () => {
    const parsed = slack.parse(request(body, json));
    expect(parsed.ok && slack.acknowledge!(request(body, json), parsed.event, { id: "e1", duplicate: false })).toBe(
      undefined,
    );
  });

  it("an envelope without event_id is keyed by its bytes; without an inner event, typed by its own type", () => {
    const text = '{"type":"app_rate_limited","team_id":"T1","minute_rate_limited":1518467820}';
    expect(typeAndKey(text, json)).toEqual(["app_rate_limited", bytesKey(text)]);
  });

  it("an interaction without trigger_id is keyed by its bytes", () => {
    const text = `payload=${encodeURIComponent('{"type":"view_closed","view":{"id":"V1"}}')}`;
    expect(typeAndKey(text, form)).toEqual(["view_closed", bytesKey(text)]);
  });

  it("a slash command without trigger_id is keyed by its bytes", () => {
    const text = "command=%2Fdeploy&text=now";
    expect(typeAndKey(text, form)).toEqual(["slash_command", bytesKey(text)]);
  });

  it("a form field sent twice is refused: which one Slack meant is unknowable", () => {
    expect(typeAndKey("command=%2Fa&command=%2Fb", form)).toBe("unexpected body: a Slack form field is repeated");
  });

  it("a form body that is not UTF-8 is refused", () => {
    expect(typeAndKey(Uint8Array.from([0x63, 0x3d, 0xff]), form)).toBe("body is not UTF-8");
  });
});
