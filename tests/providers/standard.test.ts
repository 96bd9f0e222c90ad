// Standard Webhooks and Svix, checked against both official libraries: what they sign
// hookgate accepts (in webhook-* and svix-* headers), what hookgate signs they verify,
// and every tampering is refused with its reason.
import { Webhook as StandardWebhook } from "standardwebhooks";
import { Webhook as SvixWebhook } from "svix";
import { describe, expect, it } from "vitest";
import { standard } from "../../lib/providers/standard.js";
import { sample } from "../support/requests.js";
import { accepted, encode, flipByte, rejected, shifted, verify, webhookRequest, withHeader } from "./helpers.js";

const secret = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
const body = sample("standard", "invoice.paid.json");
const now = new Date("2026-11-22T03:14:07Z");
const id = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W";

const libraries = [
  ["standardwebhooks", "webhook", (s: string) => new StandardWebhook(s)],
  ["svix", "svix", (s: string) => new SvixWebhook(s)],
] as const;

describe.each(libraries)("signatures made by %s", (_, family, library) => {
  function signed(options: { secret?: string; at?: Date; payload?: string } = {}): Record<string, string> {
    const at = options.at ?? now;
    return {
      [`${family}-id`]: id,
      [`${family}-timestamp`]: String(Math.floor(at.getTime() / 1000)),
      [`${family}-signature`]: library(options.secret ?? secret).sign(id, at, options.payload ?? body),
    };
  }
  const check = (headers: Record<string, string>, payload: string | Uint8Array = body, secrets = [secret]) =>
    verify(standard, secrets, { body: payload, headers, receivedAt: now });
  const signature = () => signed()[`${family}-signature`]!;

  it("are accepted", () => {
    expect(check(signed())).toEqual(accepted);
  });

  it("are accepted with any listed secret (rotation)", () => {
    expect(check(signed(), body, ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", secret])).toEqual(accepted);
  });

  it("are accepted when any entry of a space-separated list matches", () => {
    const other = signed({ secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" })[`${family}-signature`];
    expect(check(withHeader(signed(), `${family}-signature`, `v1a,c2lnbmF0dXJl ${other} ${signature()}`))).toEqual(
      accepted,
    );
  });

  it.each([-300, 300])("are accepted %i s from our clock", (offset) => {
    expect(check(signed({ at: shifted(now, offset) }))).toEqual(accepted);
  });

  it.each<[string, () => ReturnType<typeof check>, string]>([
    ["a body byte changed", () => check(signed(), flipByte(body, 12)), "bad_signature"],
    ["another message id", () => check(withHeader(signed(), `${family}-id`, "msg_other")), "bad_signature"],
    [
      "the timestamp rewritten without re-signing",
      () => check(withHeader(signed(), `${family}-timestamp`, String(Math.floor(now.getTime() / 1000) + 1))),
      "bad_signature",
    ],
    ["a timestamp 301 s old", () => check(signed({ at: shifted(now, -301) })), "stale_timestamp"],
    ["a timestamp 301 s ahead", () => check(signed({ at: shifted(now, 301) })), "stale_timestamp"],
    ["the wrong secret", () => check(signed({ secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" })), "bad_signature"],
    [
      "a truncated signature (still base64)",
      () => check(withHeader(signed(), `${family}-signature`, signature().slice(0, -4))),
      "bad_signature",
    ],
    [
      "a truncated signature (no longer base64)",
      () => check(withHeader(signed(), `${family}-signature`, signature().slice(0, -1))),
      "malformed_signature",
    ],
    [
      "a non-base64 signature",
      () => check(withHeader(signed(), `${family}-signature`, "v1,not*base64!")),
      "malformed_signature",
    ],
    [
      "only an unknown version",
      () => check(withHeader(signed(), `${family}-signature`, signature().replace("v1,", "v2,"))),
      "malformed_signature",
    ],
    ["no signature header", () => check(withHeader(signed(), `${family}-signature`, null)), "missing_signature"],
    ["no id header", () => check(withHeader(signed(), `${family}-id`, null)), "missing_signature"],
    ["no timestamp header", () => check(withHeader(signed(), `${family}-timestamp`, null)), "missing_timestamp"],
    [
      "a timestamp that is not a number",
      () => check(withHeader(signed(), `${family}-timestamp`, "soon")),
      "missing_timestamp",
    ],
  ])("are refused with %s", (_, run, reason) => {
    expect(run()).toEqual(rejected(reason));
  });
});

describe("signatures made by hookgate", () => {
  it.each(libraries)("are verified by %s", (_, __, library) => {
    // The libraries check against their own clock, so sign for now.
    const headers = standard.sign({ body: encode(body), secret, url: "", now: new Date(), id });
    expect(library(secret).verify(body, headers)).toMatchObject({ type: "invoice.paid" });
  });
});

describe("Standard Webhooks messages", () => {
  it("are deduplicated by the message id and typed by the payload's type", () => {
    const parsed = standard.parse(webhookRequest(standard, { body, headers: { "svix-id": id } }));
    expect(parsed.ok && [parsed.event.dedupKey, parsed.event.type]).toEqual([id, "invoice.paid"]);
  });

  it("refuse a secret that is not base64 as a configuration error, naming the variable", () => {
    const headers = standard.sign({ body: encode(body), secret, url: "", now, id });
    expect(() => verify(standard, ["whsec_***"], { body, headers, receivedAt: now })).toThrow(
      "STANDARD_WEBHOOK_SECRET",
    );
  });
});

describe("Standard Webhooks, the less common shapes", () => {
  it("a secret without its whsec_ prefix is read as the official libraries read it", () => {
    const bare = secret.slice("whsec_".length);
    const headers = new StandardWebhook(bare).sign(id, now, body);
    const signedHeaders = {
      "webhook-id": id,
      "webhook-timestamp": String(now.getTime() / 1000),
      "webhook-signature": headers,
    };
    expect(verify(standard, [bare], { body, headers: signedHeaders, receivedAt: now })).toEqual(accepted);
  });

  it("hookgate makes up a msg_ id when none is given, and the libraries verify it", () => {
    const headers = standard.sign({ body: encode(body), secret, url: "", now: new Date() });
    expect(headers["webhook-id"]).toMatch(/^msg_[0-9a-f]{32}$/);
    expect(new StandardWebhook(secret).verify(body, headers)).toMatchObject({ type: "invoice.paid" });
  });

  it("a payload without a type is recorded untyped", () => {
    const parsed = standard.parse(webhookRequest(standard, { body: '{"data":1}', headers: { "svix-id": id } }));
    expect(parsed.ok && [parsed.event.dedupKey, parsed.event.type]).toEqual([id, null]);
  });

  it("a message read without its id (verification requires one) is keyed by its bytes", () => {
    const parsed = standard.parse(webhookRequest(standard, { body, headers: {} }));
    expect(parsed.ok && parsed.event.dedupKey).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it("a body that is not JSON is refused", () => {
    expect(standard.parse(webhookRequest(standard, { body: "nope", headers: { "webhook-id": id } }))).toEqual({
      ok: false,
      reason: "body is not JSON",
    });
  });
});
