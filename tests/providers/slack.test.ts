// Slack: the signer checked against openssl, then each tampering refused, and the
// three kinds of body (Events API JSON, slash command form, interaction payload).
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
