// The onboarding's pure parts as tables: what a message asks for, what the rules decide
// from a user's state, how Twilio's answers map to outcomes, and the codes themselves.
import { describe, expect, it } from "vitest";
import { codeFor, codeHash, codeKey, codeMatches } from "../../../lib/destinations/whatsapp/code.js";
import { inboundOf } from "../../../lib/destinations/whatsapp/inbound.js";
import { intentOf, type Intent } from "../../../lib/destinations/whatsapp/intent.js";
import { MESSAGE_KINDS, render } from "../../../lib/destinations/whatsapp/messages.js";
import { decide, type Fresh, type InboundMessage } from "../../../lib/destinations/whatsapp/rules.js";
import { failureOf } from "../../../lib/destinations/whatsapp/twilio-api.js";
import type { WhatsappCodeRow, WhatsappSnapshot, WhatsappUserRow } from "../../../lib/store/whatsapp-users.js";

const NOW = new Date("2026-12-01T12:00:00Z");
const MIN = 60_000;

describe("intentOf", () => {
  it.each<[string, Intent]>([
    ["STOP", { kind: "stop" }],
    ["  stop ", { kind: "stop" }],
    ["Unsubscribe", { kind: "stop" }],
    ["sTaRt", { kind: "start" }],
    ["code", { kind: "resend" }],
    ["New  Code", { kind: "resend" }],
    ["LANG es", { kind: "language", language: "es" }],
    ["lang EN", { kind: "language", language: "en" }],
    ["LANG fr", { kind: "language", language: null }],
    ["123456", { kind: "code", code: "123456" }],
    ["123 456", { kind: "code", code: "123456" }],
    ["123-456", { kind: "code", code: "123456" }],
    ["12345", { kind: "text" }],
    ["please stop now", { kind: "text" }],
    ["", { kind: "text" }],
  ])("%j → %j", (body, intent) => {
    expect(intentOf(body)).toEqual(intent);
  });
});

describe("inboundOf", () => {
  it("reads WhatsApp's whatsapp:+E164 with ProfileName and WaId, and SMS's bare number", () => {
    expect(inboundOf({ From: "whatsapp:+15551234567", Body: "hi", ProfileName: " Ana ", WaId: "15551234567" })).toEqual(
      { phone: "+15551234567", channel: "whatsapp", body: "hi", profileName: "Ana", waId: "15551234567" },
    );
    expect(inboundOf({ From: "+15551234567", Body: "hi" })).toMatchObject({ channel: "sms", profileName: null });
  });
  it("refuses status callbacks and anything not from a phone number", () => {
    expect(inboundOf({ From: "whatsapp:+15551234567", MessageStatus: "delivered" })).toBeNull();
    expect(inboundOf({ From: "client:alice", Body: "hi" })).toBeNull();
    expect(inboundOf({ Body: "hi" })).toBeNull();
    expect(inboundOf(null)).toBeNull();
  });
});

const user = (over: Partial<WhatsappUserRow> = {}): WhatsappUserRow => ({
  id: "u1",
  phone: "+15551234567",
  channel: "whatsapp",
  profile_name: "Ana",
  wa_id: "15551234567",
  preferences: {},
  verified_at: null,
  opted_out_at: null,
  version: 3,
  created_at: NOW.toISOString(),
  updated_at: NOW.toISOString(),
  ...over,
});
const code = (over: Partial<WhatsappCodeRow> = {}): WhatsappCodeRow => ({
  challenge_id: "c0",
  code_hash: "h0",
  issued_at: new Date(NOW.getTime() - 2 * MIN).toISOString(),
  expires_at: new Date(NOW.getTime() + 8 * MIN).toISOString(),
  wrong_attempts: 0,
  state: "pending",
  ...over,
});
const snap = (over: Partial<WhatsappSnapshot> = {}): WhatsappSnapshot => ({
  handled: null,
  user: null,
  code: null,
  issued_last_minute: 0,
  issued_last_hour: 0,
  ...over,
});
const message = (body: string): InboundMessage => ({
  phone: "+15551234567",
  channel: "whatsapp",
  profileName: "Ana",
  waId: "15551234567",
  intent: intentOf(body),
});
const fresh = (over: Partial<Fresh> = {}): Fresh => ({
  userId: "new-user",
  challengeId: "c1",
  codeHash: "h1",
  codeMatches: false,
  ...over,
});

describe("decide", () => {
  it.each([
    // [case, snapshot, body, fresh, outcome, reply kind, published, counters]
    [
      "an unknown number registers and gets a code",
      snap(),
      "hi",
      fresh(),
      "registered",
      "code",
      ["user.registered"],
      { registrations: 1 },
    ],
    [
      "an unknown STOP registers opted out, with no code",
      snap(),
      "STOP",
      fresh(),
      "opted_out",
      null,
      ["user.registered", "user.opted_out"],
      { registrations: 1 },
    ],
    [
      "an unknown LANG es registers and gets a code",
      snap(),
      "LANG es",
      fresh(),
      "registered",
      "code",
      ["user.registered"],
      { registrations: 1 },
    ],
    [
      "the right code verifies",
      snap({ user: user(), code: code() }),
      "123456",
      fresh({ codeMatches: true }),
      "verified",
      "verified",
      ["user.verified"],
      { otp_verified: 1 },
    ],
    [
      "a wrong code is counted",
      snap({ user: user(), code: code() }),
      "000000",
      fresh(),
      "wrong_code",
      "wrong_code",
      [],
      { otp_failed: 1 },
    ],
    [
      "the fifth wrong code voids it",
      snap({ user: user(), code: code({ wrong_attempts: 4 }) }),
      "000000",
      fresh(),
      "code_void",
      "code_void",
      [],
      { otp_failed: 1 },
    ],
    [
      "a code after 10 minutes has expired",
      snap({ user: user(), code: code({ expires_at: NOW.toISOString() }) }),
      "123456",
      fresh({ codeMatches: true }),
      "code_expired",
      "code_expired",
      [],
      { otp_failed: 1 },
    ],
    [
      "a code once void stays void",
      snap({ user: user(), code: code({ state: "void" }) }),
      "123456",
      fresh({ codeMatches: true }),
      "code_void",
      "code_void",
      [],
      { otp_failed: 1 },
    ],
    ["CODE issues a new one", snap({ user: user(), code: code() }), "code", fresh(), "code_resent", "code", [], {}],
    [
      "CODE within the minute is refused",
      snap({ user: user(), code: code(), issued_last_minute: 1, issued_last_hour: 1 }),
      "code",
      fresh(),
      "code_limited",
      "limited",
      [],
      {},
    ],
    [
      "CODE past five in the hour is refused",
      snap({ user: user(), code: code(), issued_last_hour: 5 }),
      "code",
      fresh(),
      "code_limited",
      "limited",
      [],
      {},
    ],
    [
      "text while a code is good: a reminder",
      snap({ user: user(), code: code() }),
      "hello?",
      fresh(),
      "prompt",
      "prompt",
      [],
      {},
    ],
    [
      "text once the code expired: a new code",
      snap({ user: user(), code: code({ expires_at: NOW.toISOString() }) }),
      "hello?",
      fresh(),
      "code_sent",
      "code",
      [],
      {},
    ],
    [
      "a verified user is not onboarded again",
      snap({ user: user({ verified_at: NOW.toISOString() }) }),
      "123456",
      fresh(),
      "already_verified",
      null,
      [],
      {},
    ],
    [
      "an opted-out user is told nothing",
      snap({ user: user({ opted_out_at: NOW.toISOString() }), code: code() }),
      "code",
      fresh(),
      "ignored_opted_out",
      null,
      [],
      {},
    ],
    [
      "STOP opts out once",
      snap({ user: user({ opted_out_at: NOW.toISOString() }) }),
      "stop",
      fresh(),
      "opted_out",
      null,
      [],
      {},
    ],
    [
      "START on an unverified user: a new code",
      snap({ user: user({ opted_out_at: NOW.toISOString() }), code: code() }),
      "start",
      fresh(),
      "opted_in",
      "code",
      [],
      {},
    ],
    [
      "START on a verified user: a welcome back",
      snap({ user: user({ opted_out_at: NOW.toISOString(), verified_at: NOW.toISOString() }) }),
      "START",
      fresh(),
      "opted_in",
      "opted_in",
      [],
      {},
    ],
    [
      "LANG sets the language, in it",
      snap({ user: user({ verified_at: NOW.toISOString() }) }),
      "LANG es",
      fresh(),
      "language_set",
      "language",
      [],
      {},
    ],
    [
      "LANG of an unknown language lists them",
      snap({ user: user() }),
      "LANG fr",
      fresh(),
      "language_unknown",
      "language_unknown",
      [],
      {},
    ],
  ] as const)("%s", (_, snapshot, body, f, outcome, reply, published, counters) => {
    const decision = decide(snapshot, message(body), NOW, f);
    expect(decision.outcome).toBe(outcome);
    expect(decision.reply?.kind ?? null).toBe(reply);
    expect(decision.publish).toEqual(published);
    expect(decision.counters).toEqual(counters);
  });

  it("a new code: 10 minutes, no tries used, issued (the resend limits count it)", () => {
    const d = decide(snap(), message("hi"), NOW, fresh());
    expect(d.code).toEqual({
      challenge_id: "c1",
      code_hash: "h1",
      issued_at: NOW.toISOString(),
      expires_at: new Date(NOW.getTime() + 10 * MIN).toISOString(),
      wrong_attempts: 0,
      state: "pending",
      issued: true,
    });
    expect(d.reply).toEqual({ kind: "code", language: "en", challengeId: "c1" });
    expect(d.user).toMatchObject({ id: "new-user", phone: "+15551234567", channel: "whatsapp", profile_name: "Ana" });
  });

  it("an SMS (no profile name or WaId) keeps what WhatsApp told before", () => {
    const sms = { ...message("hello?"), channel: "sms" as const, profileName: null, waId: null };
    expect(decide(snap({ user: user(), code: code() }), sms, NOW, fresh()).user).toMatchObject({
      profile_name: "Ana",
      wa_id: "15551234567",
      channel: "whatsapp",
    });
  });

  it("replies in the user's language; a wrong code says how many tries are left", () => {
    const d = decide(
      snap({ user: user({ preferences: { language: "es" } }), code: code({ wrong_attempts: 1 }) }),
      message("000000"),
      NOW,
      fresh(),
    );
    expect(d.reply).toEqual({ kind: "wrong_code", language: "es", triesLeft: 3 });
    expect(d.code).toMatchObject({ wrong_attempts: 2, state: "pending", issued: false });
  });
});

describe("Twilio's answers", () => {
  const answer = (status: number, body: unknown, headers: Record<string, string> = {}) =>
    failureOf("POST", new Response(null, { status, headers }), body);
  it.each([
    [400, 21211, "dead", "twilio_21211"],
    [400, 21614, "dead", "twilio_21614"],
    [400, 63003, "dead", "twilio_63003"],
    [400, 21610, "dead", "twilio_21610"],
    [429, 20429, "retry", "twilio_rate_limited"],
    [500, 20500, "retry", "twilio_20500"],
    [503, null, "retry", "http_503"],
    [401, 20003, "dead", "twilio_20003"],
    [400, 21602, "dead", "twilio_21602"],
  ])("%i with error %s → %s (%s)", (status, code, kind, errorClass) => {
    expect(
      answer(status, code === null ? null : { code, message: "The 'To' number +15551234567 is not valid" }),
    ).toMatchObject({
      kind,
      errorClass,
      status,
    });
  });
  it("waits for Retry-After on a 429, and never repeats Twilio's message (it echoes the number)", () => {
    const limited = answer(429, { code: 20429 }, { "retry-after": "7" });
    expect(limited).toMatchObject({ kind: "retry", retryAfterMs: 7_000 });
    const dead = answer(400, { code: 21211, message: "The 'To' number +15551234567 is not a valid phone number." });
    expect(dead.error).toBe("POST Messages.json: Twilio answered 400 (error 21211): invalid 'To' number");
  });
});

describe("codes", () => {
  const key = codeKey("auth-token");
  it("are six digits, the same for a challenge on every attempt, different across challenges", () => {
    const a = codeFor(key, "0b7c2d3e-0000-4000-8000-000000000001");
    expect(a).toMatch(/^\d{6}$/);
    expect(codeFor(key, "0b7c2d3e-0000-4000-8000-000000000001")).toBe(a);
    const many = new Set(Array.from({ length: 50 }, (_, i) => codeFor(key, `challenge-${i}`)));
    expect(many.size).toBeGreaterThan(45);
    expect(codeFor(codeKey("another-token"), "0b7c2d3e-0000-4000-8000-000000000001")).not.toBe(a);
  });
  it("are kept as an HMAC salted by the challenge, checked in constant time", () => {
    const challenge = { challenge_id: "c1", code_hash: codeHash(key, "c1", "123456") };
    expect(challenge.code_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(codeMatches(key, challenge, "123456")).toBe(true);
    expect(codeMatches(key, challenge, "123457")).toBe(false);
    expect(codeMatches(key, { ...challenge, challenge_id: "c2" }, "123456")).toBe(false);
    expect(codeMatches(key, { ...challenge, code_hash: "" }, "123456")).toBe(false);
  });
  it.each(["en", "es"] as const)("every message has a text in %s", (language) => {
    const kinds = MESSAGE_KINDS;
    const texts = kinds.map((kind) => render(kind, language, { code: "012345", triesLeft: 2 }));
    expect(new Set(texts).size).toBe(kinds.length);
    expect(texts[0]).toContain("012345");
    expect(texts[2]).toContain("2");
  });

  it("messages render the same body for the same inputs", () => {
    expect(render("code", "en", { code: "012345" })).toBe(render("code", "en", { code: "012345" }));
    expect(render("code", "es", { code: "012345" })).toContain("012345");
  });
});
