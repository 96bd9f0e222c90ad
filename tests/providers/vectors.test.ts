// The official test vectors of PROVIDERS.md, each checked both ways: hookgate's signer
// produces the published signature, and hookgate's verify accepts it.
import { describe, expect, it } from "vitest";
import { github } from "../../lib/providers/github.js";
import { shopify } from "../../lib/providers/shopify.js";
import { hmac } from "../../lib/signing/scheme.js";
import { standard } from "../../lib/providers/standard.js";
import { twilio } from "../../lib/providers/twilio.js";
import { accepted, encode, verify } from "./helpers.js";

const at = new Date("2026-11-22T03:00:00Z");

describe("GitHub vectors", () => {
  it.each([
    [
      "github/docs",
      "It's a Secret to Everybody",
      "Hello, World!",
      "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
    ],
    [
      "octokit/webhooks-methods",
      "mysecret",
      '{"foo":"bar"}',
      "sha256=4864d2759938a15468b5df9ade20bf161da9b4f737ea61794142f3484236bda3",
    ],
  ])("%s: signs and verifies the published signature", (_, secret, body, signature) => {
    expect(github.sign({ body: encode(body), secret, url: "", now: at })["x-hub-signature-256"]).toBe(signature);
    expect(verify(github, [secret], { body, headers: { "x-hub-signature-256": signature } })).toEqual(accepted);
  });
});

describe("Standard Webhooks vector (library tests)", () => {
  const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  const body = '{"test": 2432232314}';
  const id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
  const sentAt = new Date(1614265330 * 1000);
  const signature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

  it("signs the published signature", () => {
    expect(standard.sign({ body: encode(body), secret, url: "", now: sentAt, id })["webhook-signature"]).toBe(
      signature,
    );
  });

  it.each(["webhook", "svix"])("verifies it in %s-* headers", (family) => {
    const headers = { [`${family}-id`]: id, [`${family}-timestamp`]: "1614265330", [`${family}-signature`]: signature };
    expect(verify(standard, [secret], { body, headers, receivedAt: sentAt })).toEqual(accepted);
  });
});

describe("Twilio vector (twilio-php tests)", () => {
  const token = "12345";
  const url = "https://mycompany.com/myapp.php?foo=1&bar=2";
  const body = "CallSid=CA1234567890ABCDE&Caller=%2B14158675309&Digits=1234&From=%2B14158675309&To=%2B18005551212";
  const signature = "RSOYDt4T1cUTdK1PDd93/VVr8B8=";

  it("signs the published signature", () => {
    expect(twilio.sign({ body: encode(body), secret: token, url, now: at })["x-twilio-signature"]).toBe(signature);
  });

  it("verifies it, whatever order the parameters arrive in", () => {
    const reordered = body.split("&").reverse().join("&");
    expect(verify(twilio, [token], { body, url, headers: { "x-twilio-signature": signature } })).toEqual(accepted);
    expect(verify(twilio, [token], { body: reordered, url, headers: { "x-twilio-signature": signature } })).toEqual(
      accepted,
    );
  });
});

describe("Shopify vector (shopify-app-js tests)", () => {
  const secret = "test_secret_key";
  const body = '{"foo": "bar"}';
  const signature = "B23tXN681gZ0qIWNRrgtzBE9XSDo5yaUu6wfmhu3a7g=";

  it("signs the published signature", () => {
    expect(shopify.sign({ body: encode(body), secret, url: "", now: at })["x-shopify-hmac-sha256"]).toBe(signature);
  });

  it.each(["x-shopify-hmac-sha256", "shopify-hmac-sha256"])("verifies it in %s", (header) => {
    expect(verify(shopify, [secret], { body, headers: { [header]: signature } })).toEqual(accepted);
  });
});

describe("Stripe vector (stripe-node helpers, raw HMAC)", () => {
  const key = "test_secret";
  const payload = '{"obj1":"hello","obj2":"world"}';
  const expected = "bebb1a643997f419b315ddba19e6f5411e1ce7f810ba6d3617ce72823092f363";

  // Stripe signs `<t>.<body>`, so this raw vector checks the primitive and the key
  // handling (the secret string as UTF-8); stripe.test.ts checks the whole header
  // against stripe-node's own signer.
  it("is the HMAC the Stripe module computes, keyed with the secret string as UTF-8", () => {
    expect(hmac("sha256", key, payload).toString("hex")).toBe(expected);
  });
});
