import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { standard } from "../../lib/providers/standard.js";
import { signingKey, signStandardWebhook } from "../../lib/signing/standard-webhooks.js";

// The Standard Webhooks library's own test vector (PROVIDERS.md).
const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
const TIMESTAMP = new Date(1614265330 * 1000);
const BODY = new TextEncoder().encode('{"test": 2432232314}');

function key(secret: string): Buffer {
  const result = signingKey(secret);
  if (!result.ok) throw new Error(result.reason);
  return result.key;
}

describe("Standard Webhooks signing", () => {
  it("matches the official vector", () => {
    expect(signStandardWebhook([key(SECRET)], ID, TIMESTAMP, BODY)).toEqual({
      "webhook-id": ID,
      "webhook-timestamp": "1614265330",
      "webhook-signature": "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
    });
  });

  it("verifies with the standardwebhooks library, with either secret while rotating", () => {
    const other = "whsec_" + Buffer.alloc(32, 7).toString("base64");
    const now = new Date();
    const headers = signStandardWebhook([key(SECRET), key(other)], ID, now, BODY);
    for (const secret of [SECRET, other]) {
      expect(new Webhook(secret).verify(Buffer.from(BODY).toString(), { ...headers })).toEqual({ test: 2432232314 });
    }
  });

  it("is what hookgate's own inbound provider verifies: one scheme, both directions", () => {
    const other = "whsec_" + Buffer.alloc(32, 9).toString("base64");
    const headers = signStandardWebhook([key(SECRET), key(other)], ID, TIMESTAMP, BODY);
    const request = { body: BODY, headers: new Headers(headers), url: "", receivedAt: TIMESTAMP };
    expect(standard.verify(request, { secrets: [other] })).toEqual({ ok: true, verified: true });
    expect(standard.verify(request, { secrets: ["whsec_" + Buffer.alloc(32, 1).toString("base64")] })).toEqual({
      ok: false,
      reason: "bad_signature",
    });
  });

  it.each([
    ["MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "must start with whsec_"],
    ["whsec_not base64!", "base64"],
    ["whsec_AAAA", "24 to 64 bytes"],
  ])("refuses the secret %s", (secret, reason) => {
    const result = signingKey(secret);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toContain(reason);
  });
});
