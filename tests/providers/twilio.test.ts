// Twilio, checked against the twilio SDK: what it signs hookgate accepts (form
// parameters, repeated keys, the URL with and without the default port, JSON with
// bodySHA256), what hookgate signs it validates, and every tampering is refused.
import twilioSdk from "twilio";
import { describe, expect, it } from "vitest";
import { togglePort, twilio } from "../../lib/providers/twilio.js";
import { sample } from "../support/requests.js";
import { accepted, encode, flipByte, rejected, verify, webhookRequest } from "./helpers.js";

const token = "9f2c1e7a4b8d0c3e6f5a2b1c8d7e4f30";
const url = "https://hooks.example.com/api/webhooks/twilio";
const body = sample("twilio", "inbound-sms.txt");

/** Parameters as Express would hand them to the SDK: a repeated key becomes an array. */
function params(form: string): Record<string, string | string[]> {
  const search = new URLSearchParams(form);
  return Object.fromEntries(
    [...new Set(search.keys())].map((k) => [k, search.getAll(k).length > 1 ? search.getAll(k) : search.get(k)!]),
  );
}
const sdkSignature = (signedUrl: string, form: string | null, secret = token) =>
  twilioSdk.getExpectedTwilioSignature(secret, signedUrl, form === null ? {} : params(form));

const check = (
  signature: string | null,
  options: { url?: string; body?: string | Uint8Array; secrets?: string[] } = {},
) =>
  verify(twilio, options.secrets ?? [token], {
    body: options.body ?? body,
    url: options.url ?? url,
    headers: signature === null ? {} : { "x-twilio-signature": signature },
  });

describe("Twilio form webhooks signed by the twilio SDK", () => {
  it.each(["inbound-sms.txt", "inbound-whatsapp.txt", "status-delivered.txt"])("are accepted: %s", (file) => {
    const form = sample("twilio", file);
    expect(check(sdkSignature(url, form), { body: form })).toEqual(accepted);
  });

  it("are accepted with any listed auth token (rotation)", () => {
    expect(check(sdkSignature(url, body), { secrets: ["retired-token", token] })).toEqual(accepted);
  });

  it("are accepted with repeated keys, whatever their order in the body", () => {
    const form = "MessageSid=SM1&MediaUrl0=https%3A%2F%2Fb.example&Tag=zeta&Tag=alpha&Tag=alpha&From=%2B1415";
    const reordered = "Tag=alpha&From=%2B1415&Tag=zeta&MessageSid=SM1&MediaUrl0=https%3A%2F%2Fb.example&Tag=alpha";
    expect(check(sdkSignature(url, form), { body: reordered })).toEqual(accepted);
  });

  it("are accepted with escaped, non-ASCII and empty values", () => {
    const form = "Body=Caf%C3%A9+%F0%9F%98%80+100%25&From=whatsapp%3A%2B14155550123&Empty=&To=a%2Bb";
    expect(check(sdkSignature(url, form), { body: form })).toEqual(accepted);
  });

  it("are accepted with the query string Twilio was configured with", () => {
    const configured = `${url}?tenant=acme&mode=sms%20only`;
    expect(check(sdkSignature(configured, body), { url: configured })).toEqual(accepted);
  });

  it("are accepted when Twilio signed the default port and the URL arrives without it", () => {
    expect(check(sdkSignature("https://hooks.example.com:443/api/webhooks/twilio", body))).toEqual(accepted);
  });

  it("are accepted when Twilio signed no port and the URL arrives with the default one", () => {
    expect(check(sdkSignature(url, body), { url: "https://hooks.example.com:443/api/webhooks/twilio" })).toEqual(
      accepted,
    );
  });

  it("are accepted with credentials in the URL and a non-default port, byte for byte", () => {
    const configured = "https://user:p%40ss@Hooks.Example.com:8443/api/webhooks/twilio?x='1'";
    expect(check(sdkSignature(configured, body), { url: configured })).toEqual(accepted);
  });

  it.each<[string, () => ReturnType<typeof check>, string]>([
    ["a body byte changed", () => check(sdkSignature(url, body), { body: flipByte(body, 40) }), "bad_signature"],
    ["a parameter added", () => check(sdkSignature(url, body), { body: `${body}&Extra=1` }), "bad_signature"],
    [
      "another URL",
      () => check(sdkSignature(url, body), { url: "https://evil.example.com/api/webhooks/twilio" }),
      "bad_signature",
    ],
    ["the query string dropped", () => check(sdkSignature(`${url}?tenant=acme`, body)), "bad_signature"],
    [
      "the host case changed (no normalising)",
      () => check(sdkSignature(url, body), { url: url.replace("hooks", "HOOKS") }),
      "bad_signature",
    ],
    ["the wrong auth token", () => check(sdkSignature(url, body, "other-token")), "bad_signature"],
    ["a truncated signature (still base64)", () => check(sdkSignature(url, body).slice(0, -4)), "bad_signature"],
    [
      "a truncated signature (no longer base64)",
      () => check(sdkSignature(url, body).slice(0, -1)),
      "malformed_signature",
    ],
    ["a non-base64 signature", () => check("not/base64*"), "malformed_signature"],
    ["no signature", () => check(null), "missing_signature"],
    [
      "a body that is not UTF-8",
      () => check(sdkSignature(url, body), { body: Uint8Array.from([0x41, 0x3d, 0xff, 0xfe]) }),
      "bad_signature",
    ],
  ])("are refused with %s", (_, run, reason) => {
    expect(run()).toEqual(rejected(reason));
  });
});

describe("Twilio JSON webhooks (bodySHA256)", () => {
  const json = '{"specversion":"1.0","type":"com.twilio.messaging.message.delivered","id":"EZ1"}';
  const hashedUrl = (text: string) => `${url}?bodySHA256=${twilioSdk.getExpectedBodyHash(text)}`;

  it("are accepted when the URL carries the body's hash (validateRequestWithBody's scheme)", () => {
    const signed = hashedUrl(json);
    expect(twilioSdk.validateRequestWithBody(token, sdkSignature(signed, null), signed, json)).toBe(true);
    expect(check(sdkSignature(signed, null), { url: signed, body: json })).toEqual(accepted);
  });

  it("are refused when a body byte changes (the hash no longer matches)", () => {
    const signed = hashedUrl(json);
    expect(check(sdkSignature(signed, null), { url: signed, body: flipByte(json, 5) })).toEqual(
      rejected("bad_signature"),
    );
  });

  it("are refused when the hash in the URL is swapped for the new body's", () => {
    const forged = '{"type":"forged"}';
    expect(check(sdkSignature(hashedUrl(json), null), { url: hashedUrl(forged), body: forged })).toEqual(
      rejected("bad_signature"),
    );
  });

  it("are refused when the hash is not hex", () => {
    const signed = `${url}?bodySHA256=xyz`;
    expect(check(sdkSignature(signed, null), { url: signed, body: json })).toEqual(rejected("bad_signature"));
  });

  it("are recorded with their JSON, answered with hookgate's JSON rather than TwiML", () => {
    const request = webhookRequest(twilio, { body: json, url: hashedUrl(json), headers: {} });
    const parsed = twilio.parse(request);
    expect(parsed.ok && parsed.event.type).toBe("com.twilio.messaging.message.delivered");
    expect(parsed.ok && twilio.acknowledge!(request, parsed.event, { id: "e1", duplicate: false })).toBeUndefined();
  });
});

describe("Twilio signatures made by hookgate", () => {
  it("are validated by the twilio SDK", () => {
    const headers = twilio.sign({ body: encode(body), secret: token, url, now: new Date() });
    expect(twilioSdk.validateRequest(token, headers["x-twilio-signature"]!, url, params(body))).toBe(true);
  });
});

describe("Twilio messages", () => {
  const parse = (form: string, headers: Record<string, string> = {}) =>
    twilio.parse(webhookRequest(twilio, { body: form, headers }));

  it.each([
    ["inbound-sms.txt", "sms.inbound", "SM4f1c2a9e7b3d4e5f8a6b7c8d9e0f1a2b:received"],
    ["inbound-whatsapp.txt", "whatsapp.inbound", "SMa8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3:received"],
    ["status-delivered.txt", "sms.status.delivered", "SM0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b:delivered"],
  ])("%s is typed %s and keyed by message sid and status", (file, type, key) => {
    const parsed = parse(sample("twilio", file));
    expect(parsed.ok && [parsed.event.type, parsed.event.dedupKey]).toEqual([type, key]);
  });

  it("keep every value of a repeated parameter in the payload", () => {
    const parsed = parse("MessageSid=SM1&SmsStatus=received&Tag=a&Tag=b");
    expect(parsed.ok && parsed.event.payload).toMatchObject({ Tag: ["a", "b"] });
  });

  it("each status of one message is its own event", () => {
    const sent = parse("MessageSid=SM9&MessageStatus=sent");
    const delivered = parse("MessageSid=SM9&MessageStatus=delivered");
    expect(sent.ok && delivered.ok && sent.event.dedupKey).not.toBe(delivered.ok && delivered.event.dedupKey);
  });

  it("without a sid are keyed by the signed parameters, not the unsigned idempotency token", () => {
    const key = (form: string, token: string) => {
      const parsed = parse(form, { "i-twilio-idempotency-token": token });
      return parsed.ok ? parsed.event.dedupKey : undefined;
    };
    expect(key("Foo=bar&Baz=1", "tok-1")).toMatch(/^params:[0-9a-f]{64}$/);
    // A replay with a new token, or with the parameters reordered (the signature survives both), is the same event.
    expect(key("Foo=bar&Baz=1", "tok-2")).toBe(key("Foo=bar&Baz=1", "tok-1"));
    expect(key("Baz=1&Foo=bar", "tok-3")).toBe(key("Foo=bar&Baz=1", "tok-1"));
    expect(key("Foo=bar&Baz=2", "tok-1")).not.toBe(key("Foo=bar&Baz=1", "tok-1"));
  });

  it("refuse a repeated MessageSid", () => {
    expect(parse("MessageSid=SM1&MessageSid=SM2").ok).toBe(false);
  });

  it("are answered with empty TwiML as text/xml", async () => {
    const request = webhookRequest(twilio, { body, headers: {} });
    const parsed = twilio.parse(request);
    const response = parsed.ok ? twilio.acknowledge!(request, parsed.event, { id: "e1", duplicate: true }) : undefined;
    expect(response?.headers.get("content-type")).toMatch(/^text\/xml/);
    expect(response?.headers.get("hookgate-duplicate")).toBe("true");
    expect(await response?.text()).toMatch(/<Response\/>$/);
  });
});

describe("the other port spelling of a URL (togglePort)", () => {
  it.each([
    ["https://h.example/x?y=1", "https://h.example:443/x?y=1"],
    ["https://h.example:443/x", "https://h.example/x"],
    ["http://h.example/x", "http://h.example:80/x"],
    ["https://user:p%40ss@h.example/x", "https://user:p%40ss@h.example:443/x"],
    ["https://[2001:db8::1]/x", "https://[2001:db8::1]:443/x"],
    ["https://[2001:db8::1]:8443/x", "https://[2001:db8::1]/x"],
    ["not a url", "not a url"],
  ])("%s ↔ %s", (url, other) => {
    expect(togglePort(url)).toBe(other);
  });
});

describe("Twilio requests at the edges of the form scheme", () => {
  it("an empty body is signed as the URL alone, as the SDK signs it", () => {
    expect(check(sdkSignature(url, ""), { body: "" })).toEqual(accepted);
  });

  it("a body of separators only carries no parameters: the URL alone is signed", () => {
    expect(check(sdkSignature(url, null), { body: "&&" })).toEqual(accepted);
  });

  it("a form body that is not UTF-8 is refused (Twilio never sends one), even when hookgate signed it", () => {
    const bytes = Uint8Array.from([0x42, 0x6f, 0x64, 0x79, 0x3d, 0xff]);
    const headers = twilio.sign({ body: bytes, secret: token, url, now: new Date() });
    expect(verify(twilio, [token], { body: bytes, url, headers })).toEqual(rejected("bad_signature"));
    expect(twilio.parse(webhookRequest(twilio, { body: bytes, headers }))).toEqual({
      ok: false,
      reason: "body is not UTF-8",
    });
  });

  it("a bodySHA256 before a fragment is read without the fragment", () => {
    const json = '{"type":"x"}';
    const signed = `${url}?bodySHA256=${twilioSdk.getExpectedBodyHash(json)}#frag`;
    expect(check(sdkSignature(signed, null), { url: signed, body: json })).toEqual(accepted);
  });
});

describe("Twilio JSON callbacks signed by hookgate", () => {
  const json = '{"type":"com.twilio.messaging.message.sent","id":"EZ2"}';
  const hashed = `${url}?bodySHA256=${twilioSdk.getExpectedBodyHash(json)}`;

  it("are sent as JSON and validated by the twilio SDK", () => {
    const headers = twilio.sign({ body: encode(json), secret: token, url: hashed, now: new Date(), id: "idem-1" });
    expect(headers["content-type"]).toBe("application/json");
    expect(headers["i-twilio-idempotency-token"]).toBe("idem-1");
    expect(twilioSdk.validateRequestWithBody(token, headers["x-twilio-signature"]!, hashed, json)).toBe(true);
  });

  it("without a type are recorded untyped, keyed by their bytes", () => {
    const untyped = '{"id":"EZ3"}';
    const parsed = twilio.parse(webhookRequest(twilio, { body: untyped, url: hashed, headers: {} }));
    expect(parsed.ok && [parsed.event.type, parsed.event.dedupKey]).toEqual([null, expect.stringMatching(/^sha256:/)]);
  });

  it("that are not JSON are refused", () => {
    expect(twilio.parse(webhookRequest(twilio, { body: "Foo=bar", url: hashed, headers: {} }))).toEqual({
      ok: false,
      reason: "body is not JSON",
    });
  });
});

describe("Twilio calls and bare messages", () => {
  const parse = (form: string) => twilio.parse(webhookRequest(twilio, { body: form, headers: {} }));
  const typeAndKey = (form: string) => {
    const parsed = parse(form);
    return parsed.ok ? [parsed.event.type, parsed.event.dedupKey] : parsed.reason;
  };

  it("a voice status callback is typed by its call status and keyed by call sid and status", () => {
    expect(typeAndKey("CallSid=CA1&CallStatus=completed")).toEqual(["voice.completed", "CA1:completed"]);
    expect(typeAndKey("CallSid=CA1&CallStatus=ringing")).toEqual(["voice.ringing", "CA1:ringing"]);
  });

  it("a voice request without a status is a call", () => {
    expect(typeAndKey("CallSid=CA2")).toEqual(["voice.call", "CA2:"]);
  });

  it("a message with neither MessageStatus nor SmsStatus is an inbound one", () => {
    expect(typeAndKey("SmsSid=SM7&From=%2B1415")).toEqual(["sms.inbound", "SM7:received"]);
  });
});
