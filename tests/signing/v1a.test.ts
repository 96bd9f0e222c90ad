// Standard Webhooks `v1a` (ed25519) as the spec writes it, both ways: the header a
// forward carries (checked against the spec's own example), verified by node:crypto and
// beside `v1` by the official library; and inbound, the standard provider verifying
// v1a against STANDARD_WEBHOOK_PUBLIC_KEYS (`whpk_…`) beside v1 with its secret, either
// alone configuring it. Every tampered part is refused.
import { generateKeyPairSync, type KeyObject } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../lib/config/env.js";
import { standard } from "../../lib/providers/standard.js";
import { ready } from "../../lib/routes/ready.js";
import { webhook } from "../../lib/routes/webhooks.js";
import { thumbprint, whpk, type Ed25519PublicJwk } from "../../lib/signing/ed25519.js";
import { KEY_ID_HEADER, signStandardWebhook } from "../../lib/signing/standard-webhooks.js";
import { endpointOf, testApp, type App } from "../support/app.js";
import { verifyWithNodeCrypto } from "./support.js";

// From the spec's "Webhook headers" section, verbatim: one v1 and one v1a entry.
// https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md
const SPEC_EXAMPLE =
  "v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4= v1a,hnO3f9T8Ytu9HwrXslvumlUpqtNVqkhqw/enGzPCXe5BdqzCInXqYXFymVJaA7AZdpXwVLPo3mNl8EM+m7TBAg==";
/** `<version>,<base64>` entries, space-separated: v1 a 32-byte HMAC, v1a a 64-byte ed25519 signature. */
const ENTRY = /^(v1,[A-Za-z0-9+/]{43}=|v1a,[A-Za-z0-9+/]{86}==)$/;
const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

function keyPair(): { kid: string; key: KeyObject; jwk: Ed25519PublicJwk & { kid: string } } {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const { x } = publicKey.export({ format: "jwk" }) as { x: string };
  const publicJwk: Ed25519PublicJwk = { kty: "OKP", crv: "Ed25519", x };
  const kid = thumbprint(publicJwk);
  return { kid, key: privateKey, jwk: { ...publicJwk, kid } };
}

const body = new TextEncoder().encode('{"type":"invoice.paid","data":{"id":"in_1"}}');
const now = new Date("2026-12-01T09:00:00Z");

describe("the v1a signature of a forward", () => {
  const pair = keyPair();

  it("is written as the spec writes it: space-separated after v1, the key named in webhook-key-id", () => {
    const secretKey = Buffer.from(SECRET.slice(6), "base64");
    const headers = signStandardWebhook([secretKey], "msg_1", now, body, pair);
    const entries = headers["webhook-signature"]!.split(" ");
    expect(entries.map((e) => e.slice(0, e.indexOf(",")))).toEqual(["v1", "v1a"]);
    for (const entry of entries) expect(entry).toMatch(ENTRY);
    for (const entry of SPEC_EXAMPLE.split(" ")) expect(entry).toMatch(ENTRY);
    expect(headers[KEY_ID_HEADER]).toBe(pair.kid);
    expect(headers["webhook-timestamp"]).toBe(String(now.getTime() / 1000));

    // The official library (v1 only) still verifies a header that carries both.
    const official = new Webhook(SECRET);
    const fresh = signStandardWebhook([secretKey], "msg_1", new Date(), body, pair);
    expect(() => official.verify(Buffer.from(body).toString(), fresh)).not.toThrow();
  });

  it("verifies with node:crypto over <id>.<timestamp>.<body>, and nothing tampered does", () => {
    const headers = signStandardWebhook([], "msg_2", now, body, pair);
    expect(headers["webhook-signature"]).toMatch(/^v1a,/);
    const jwks = { keys: [pair.jwk] };
    expect(verifyWithNodeCrypto(jwks, headers, body)).toBe(true);

    const flipped = Buffer.from(body);
    flipped[5] = flipped[5]! ^ 1;
    expect(verifyWithNodeCrypto(jwks, headers, flipped)).toBe(false);
    expect(verifyWithNodeCrypto(jwks, { ...headers, "webhook-id": "msg_3" }, body)).toBe(false);
    expect(verifyWithNodeCrypto(jwks, { ...headers, "webhook-timestamp": "1764579601" }, body)).toBe(false);
    const signature = Buffer.from(headers["webhook-signature"]!.slice(4), "base64");
    signature[0] = signature[0]! ^ 1;
    expect(
      verifyWithNodeCrypto(jwks, { ...headers, "webhook-signature": `v1a,${signature.toString("base64")}` }, body),
    ).toBe(false);
    // Another key of the same kid is not this key.
    expect(verifyWithNodeCrypto({ keys: [{ ...keyPair().jwk, kid: pair.kid }] }, headers, body)).toBe(false);
  });
});

describe("inbound v1a on /api/webhooks/standard", () => {
  const pair = keyPair();
  const publicKey = whpk(pair.jwk);
  const verify = (env: Record<string, string>, headers: Record<string, string>, bytes = body, at = now) =>
    standard.verify(
      {
        body: bytes,
        headers: new Headers(headers),
        url: "https://hooks.example.com/api/webhooks/standard",
        receivedAt: at,
      },
      { secrets: loadConfig(env).secrets.standard! },
    );
  const signed = (id = "msg_in") => signStandardWebhook([], id, now, body, pair);

  it("verifies against STANDARD_WEBHOOK_PUBLIC_KEYS, and refuses what was tampered", () => {
    const env = { STANDARD_WEBHOOK_PUBLIC_KEYS: `${whpk(keyPair().jwk)}, ${publicKey}` };
    expect(verify(env, signed())).toEqual({ ok: true, verified: true });
    expect(verify(env, signed(), new TextEncoder().encode('{"type":"invoice.paid","data":{"id":"in_2"}}'))).toEqual({
      ok: false,
      reason: "bad_signature",
    });
    expect(verify(env, { ...signed(), "webhook-id": "msg_other" })).toEqual({ ok: false, reason: "bad_signature" });
    expect(verify(env, signed(), body, new Date(now.getTime() + 301_000))).toEqual({
      ok: false,
      reason: "stale_timestamp",
    });
    expect(verify(env, { ...signed(), "webhook-signature": "v1a,not-base64!" })).toEqual({
      ok: false,
      reason: "malformed_signature",
    });
    expect(verify({ STANDARD_WEBHOOK_PUBLIC_KEYS: whpk(keyPair().jwk) }, signed())).toEqual({
      ok: false,
      reason: "bad_signature",
    });
  });

  it("takes v1 and v1a side by side: either kind of key verifies its own entries", () => {
    const env = { STANDARD_WEBHOOK_SECRET: SECRET, STANDARD_WEBHOOK_PUBLIC_KEYS: publicKey };
    expect(verify(env, signed())).toEqual({ ok: true, verified: true });
    const v1 = signStandardWebhook([Buffer.from(SECRET.slice(6), "base64")], "msg_v1", now, body);
    expect(verify(env, v1)).toEqual({ ok: true, verified: true });
    expect(verify({ STANDARD_WEBHOOK_SECRET: SECRET }, signed())).toEqual({ ok: false, reason: "malformed_signature" });
  });

  it("refuses a public key that is not whpk_ and 32 bytes, naming the variable", () => {
    expect(() => loadConfig({ STANDARD_WEBHOOK_PUBLIC_KEYS: "whpk_AAAA" })).toThrow("STANDARD_WEBHOOK_PUBLIC_KEYS");
    expect(() => loadConfig({ STANDARD_WEBHOOK_PUBLIC_KEYS: SECRET })).toThrow("whpk_");
  });

  const apps: App[] = [];
  afterAll(() => Promise.all(apps.map((a) => a.close())));

  it("is configured by the public keys alone: 200 to a v1a-signed webhook, 401 to a forged one", async () => {
    const gateway = await testApp({ STANDARD_WEBHOOK_PUBLIC_KEYS: publicKey });
    apps.push(gateway);
    const route = endpointOf(webhook(standard), gateway);
    const post = (headers: Record<string, string>) =>
      route.fetch(
        new Request("https://hooks.example.com/api/webhooks/standard", {
          method: "POST",
          headers: { "content-type": "application/json", ...headers },
          body,
        }),
      );
    const fresh = () => signStandardWebhook([], `msg_${Math.random()}`, new Date(), body, pair);
    expect((await post(fresh())).status).toBe(200);
    expect((await post({ ...fresh(), "webhook-signature": fresh()["webhook-signature"]! })).status).toBe(401);
    const readiness = (await (
      await endpointOf(ready, gateway).fetch(new Request("https://h.example/api/ready"))
    ).json()) as {
      providers: Record<string, string>;
    };
    expect(readiness.providers.standard).toBe("configured");
  });
});
