// GitHub, checked against @octokit/webhooks-methods: what it signs hookgate accepts,
// what hookgate signs it verifies, and every tampering is refused with its reason.
import { sign as octokitSign, verify as octokitVerify } from "@octokit/webhooks-methods";
import { describe, expect, it } from "vitest";
import { github } from "../../lib/providers/github.js";
import { sha256Hex } from "../../lib/signing/scheme.js";
import { sample } from "../support/requests.js";
import { accepted, encode, flipByte, rejected, verify, webhookRequest } from "./helpers.js";

const secret = "gh-webhook-secret-5f2c8e1b";
const body = sample("github", "issues-opened.json");
const check = (signature: string | null, payload: string | Uint8Array = body, secrets = [secret]) =>
  verify(github, secrets, { body: payload, headers: signature === null ? {} : { "x-hub-signature-256": signature } });

describe("GitHub signatures made by octokit", () => {
  it("are accepted", async () => {
    expect(check(await octokitSign(secret, body))).toEqual(accepted);
  });

  it("are accepted with any listed secret (rotation)", async () => {
    expect(check(await octokitSign(secret, body), body, ["retired", secret])).toEqual(accepted);
  });

  it.each<[string, () => Promise<ReturnType<typeof check>>, string]>([
    ["a body byte changed", async () => check(await octokitSign(secret, body), flipByte(body, 20)), "bad_signature"],
    ["the wrong secret", async () => check(await octokitSign("other", body)), "bad_signature"],
    ["a truncated signature", async () => check((await octokitSign(secret, body)).slice(0, -2)), "bad_signature"],
    ["a non-hex signature", async () => check(`sha256=${"g".repeat(64)}`), "malformed_signature"],
    [
      "the legacy sha1= prefix",
      async () => check((await octokitSign(secret, body)).replace("sha256=", "sha1=")),
      "malformed_signature",
    ],
    ["no prefix", async () => check((await octokitSign(secret, body)).slice("sha256=".length)), "malformed_signature"],
    ["no header", async () => check(null), "missing_signature"],
  ])("are refused with %s", async (_, run, reason) => {
    expect(await run()).toEqual(rejected(reason));
  });
});

describe("GitHub signatures made by hookgate", () => {
  it("are verified by octokit", async () => {
    const headers = github.sign({ body: encode(body), secret, url: "", now: new Date() });
    expect(await octokitVerify(secret, body, headers["x-hub-signature-256"]!)).toBe(true);
  });
});

describe("GitHub deliveries", () => {
  const parse = (text: string, headers: Record<string, string>) =>
    github.parse(webhookRequest(github, { body: text, headers }));

  it("are keyed by the hash of the signed body and typed by event and action", () => {
    const parsed = parse(body, {
      "x-github-event": "issues",
      "x-github-delivery": "72d3162e-cc78-11e3-81ab-4c9367dc0958",
    });
    expect(parsed.ok && [parsed.event.dedupKey, parsed.event.type]).toEqual([
      `sha256:${sha256Hex(body)}`,
      "issues.opened",
    ]);
  });

  it("keep the key when a replay changes the unsigned X-GitHub-Delivery (a redelivery too), and differ between bodies", () => {
    const first = parse(body, { "x-github-event": "issues", "x-github-delivery": "guid-1" });
    const replay = parse(body, { "x-github-event": "issues", "x-github-delivery": "guid-2" });
    const other = parse(sample("github", "ping.json"), { "x-github-event": "ping", "x-github-delivery": "guid-1" });
    expect(first.ok && replay.ok && first.event.dedupKey === replay.event.dedupKey).toBe(true);
    expect(first.ok && other.ok && first.event.dedupKey !== other.event.dedupKey).toBe(true);
  });

  it("include the ping sent when a webhook is created", () => {
    const parsed = parse(sample("github", "ping.json"), { "x-github-event": "ping", "x-github-delivery": "d1" });
    expect(parsed.ok && parsed.event.type).toBe("ping");
  });

  it("are read from a form body's payload field (content type application/x-www-form-urlencoded)", () => {
    const form = `payload=${encodeURIComponent(body)}`;
    const parsed = parse(form, {
      "content-type": "application/x-www-form-urlencoded",
      "x-github-event": "issues",
      "x-github-delivery": "d2",
    });
    expect(parsed.ok && parsed.event.type).toBe("issues.opened");
  });

  it("refuse a form body without a payload field", () => {
    expect(parse("foo=bar", { "content-type": "application/x-www-form-urlencoded" }).ok).toBe(false);
  });
});
