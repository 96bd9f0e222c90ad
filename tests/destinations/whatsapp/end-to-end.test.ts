// End to end: signed Twilio inbound messages in through the webhook function, the
// onboarding action, and its replies out to a local Twilio Messages API stand-in that
// checks basic auth and the form fields. On PGlite, and on real PostgreSQL when
// DATABASE_URL is set. Time moves by the app's injected clock, never by waiting.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFakeTwilio, type FakeTwilio } from "../../support/twilio-api.js";
import { openHarness, SMS_SENDER, STORES, WHATSAPP_SENDER, type Harness } from "./harness.js";

const MINUTE = 60_000;
const CODE = /code is (\d{6})/;
const códigoEs = /código de verificación es (\d{6})/;

describe.each(STORES)("WhatsApp onboarding end to end on $name", ({ name, skip }) => {
  let api: FakeTwilio;
  let h: Harness;
  let phones = 0;
  // Each test its own number, and its own hour (the resend limits are per number).
  const newPhone = () => `+1555${name === "pglite" ? 1 : 2}${String(++phones).padStart(6, "0")}`;

  beforeAll(async () => {
    if (skip) return;
    api = await startFakeTwilio();
    h = await openHarness(name, api);
  });
  afterAll(async () => {
    await h?.close();
    await api?.close();
  });
  beforeEach(async () => {
    api?.up();
    if (!h) return;
    // Past every limit and cool-down of the test before, with whatever it left due delivered.
    h.clock.now += 2 * 60 * MINUTE;
    await h.drain();
  });

  const codeIn = (body: string) => (CODE.exec(body) ?? códigoEs.exec(body))?.[1];
  const bodies = (phone: string) => api.to(phone).map((m) => m.body);
  const deliveriesTo = (destination: string, phone: string) =>
    h.query<{ id: number | string; status: string; attempts: number }>(
      `select d.id, d.status, d.attempts from hookgate.deliveries d join hookgate.events e on e.id = d.event_id
        join hookgate.whatsapp_users u on u.id = (e.payload->>'user_id')::uuid
       where d.destination = '${destination}' and u.phone = '${phone}' order by d.id`,
    );

  it.skipIf(skip)("signed inbound → code sent → reply → verified → confirmation, with user events out", async () => {
    const phone = newPhone();
    const first = await h.inbound(phone, "Hi, I'd like to sign up", { profileName: "Ana Lima" });
    expect(first.status).toBe(200);

    const [sent] = api.to(phone);
    expect(sent).toMatchObject({ to: `whatsapp:${phone}`, from: WHATSAPP_SENDER });
    const code = codeIn(sent!.body)!;
    expect(code).toMatch(/^\d{6}$/);
    const post = api.calls.find((c) => c.method === "POST" && c.form.To === `whatsapp:${phone}`)!;
    expect(post).toMatchObject({ authorized: true, status: 201 });
    expect(Object.keys(post.form).sort()).toEqual(["Body", "From", "To"]);

    const user = await h.gateway.store.whatsapp.get({ phone });
    expect(user).toMatchObject({ phone, channel: "whatsapp", profile_name: "Ana Lima", wa_id: phone.slice(1) });
    expect(user).toMatchObject({ verified: false, code: { state: "pending", wrong_attempts: 0 } });

    await h.inbound(phone, ` ${code.slice(0, 3)} ${code.slice(3)} `);
    expect(bodies(phone)).toHaveLength(2);
    expect(bodies(phone)[1]).toBe("Thank you: your number is verified.");
    expect(await h.gateway.store.whatsapp.get({ phone })).toMatchObject({
      verified: true,
      code: { state: "verified" },
    });

    // A verified user's messages are not onboarded again.
    await h.inbound(phone, "hello again");
    expect(bodies(phone)).toHaveLength(2);

    // user.registered and user.verified, Standard Webhooks signed, to the routed receiver.
    const events = h.userEvents().filter((e) => e.user.phone === phone);
    expect(events.map((e) => [e.type, e.user.verified])).toEqual([
      ["user.registered", false],
      ["user.verified", true],
    ]);

    // No table but the events holds the code: only its HMAC is kept.
    const codes = await h.query<{ code_hash: string }>(
      `select c.code_hash from hookgate.whatsapp_codes c join hookgate.whatsapp_users u on u.id = c.user_id where u.phone = '${phone}'`,
    );
    expect(codes[0]!.code_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(codes[0]!.code_hash).not.toContain(code);
    // ...and the attempt log keeps neither the code nor the number Twilio's answer echoed.
    const log = await h.query<{ response: string | null; error: string | null }>(
      `select a.response, a.error from hookgate.delivery_attempts a join hookgate.deliveries d on d.id = a.delivery_id
        where d.destination = 'twilio_whatsapp'`,
    );
    expect(log.length).toBeGreaterThan(0);
    for (const row of log) {
      expect(row.response ?? "").not.toContain(code);
      expect(row.response ?? "").not.toContain(phone.slice(1));
      expect(row.response ?? "").toMatch(/^\{"(sent|already_sent|found_at_twilio)":true,"sid":/);
    }
  });

  it.skipIf(skip)("wrong codes are counted: four tell the tries left, the fifth voids the code", async () => {
    const phone = newPhone();
    await h.inbound(phone, "hi");
    const code = codeIn(bodies(phone)[0]!)!;
    const wrong = code === "000000" ? "111111" : "000000";
    for (let i = 0; i < 5; i++) await h.inbound(phone, wrong);
    expect(bodies(phone).slice(1)).toEqual([
      "That code is not right. 4 tries left.",
      "That code is not right. 3 tries left.",
      "That code is not right. 2 tries left.",
      "That code is not right. 1 try left.",
      "Too many wrong tries: that code no longer works. Reply CODE for a new one.",
    ]);
    // The right code no longer works once void.
    await h.inbound(phone, code);
    expect(await h.gateway.store.whatsapp.get({ phone })).toMatchObject({
      verified: false,
      code: { state: "void", wrong_attempts: 5 },
    });
    // A new one on request does.
    h.clock.now += MINUTE + 1_000;
    await h.inbound(phone, "code");
    const fresh = codeIn(bodies(phone).at(-1)!)!;
    await h.inbound(phone, fresh);
    expect((await h.gateway.store.whatsapp.get({ phone }))!.verified).toBe(true);
  });

  it.skipIf(skip)("a code is good for 10 minutes", async () => {
    const phone = newPhone();
    await h.inbound(phone, "hi");
    const code = codeIn(bodies(phone)[0]!)!;
    h.clock.now += 10 * MINUTE + 1_000;
    expect(await h.gateway.store.whatsapp.get({ phone, now: new Date(h.clock.now) })).toMatchObject({
      code: { state: "expired" },
    });
    await h.inbound(phone, code);
    expect(bodies(phone)[1]).toBe("That code has expired. Reply CODE for a new one.");
    expect((await h.gateway.store.whatsapp.get({ phone }))!.verified).toBe(false);
  });

  it.skipIf(skip)("new codes on request: at most one a minute and five an hour", async () => {
    const phone = newPhone();
    await h.inbound(phone, "hi"); // code 1
    await h.inbound(phone, "CODE"); // within the minute
    expect(bodies(phone)[1]).toMatch(/^A new code was sent recently/);
    for (let i = 2; i <= 5; i++) {
      h.clock.now += MINUTE + 1_000;
      await h.inbound(phone, "code");
    }
    const codes = bodies(phone).map(codeIn).filter(Boolean);
    expect(codes).toHaveLength(5);
    expect(new Set(codes).size).toBeGreaterThan(1);
    h.clock.now += MINUTE + 1_000;
    await h.inbound(phone, "Code"); // the sixth within the hour
    expect(bodies(phone).at(-1)).toMatch(/^A new code was sent recently/);
    // Only the latest code verifies.
    h.clock.now += 1_000;
    await h.inbound(phone, codes.at(-1)!);
    expect((await h.gateway.store.whatsapp.get({ phone }))!.verified).toBe(true);
  });

  it.skipIf(skip)("STOP (any case) is honoured before a send that was already due; START clears it", async () => {
    const phone = newPhone();
    api.failNext(1, { status: 503, code: 20500 });
    await h.inbound(phone, "hi"); // its code's first send fails: the send is due again in 1 s
    expect(api.to(phone)).toEqual([]);
    await h.inbound(phone, "sToP");
    h.clock.now += 5_000;
    await h.drain();
    expect(api.to(phone)).toEqual([]); // the code was never sent
    expect(await deliveriesTo("twilio_whatsapp", phone)).toMatchObject([{ status: "delivered" }]);
    expect(await h.gateway.store.whatsapp.get({ phone })).toMatchObject({ opted_out: true });
    await h.inbound(phone, "what?"); // opted out: nothing is sent
    expect(api.to(phone)).toEqual([]);
    expect(
      h
        .userEvents()
        .filter((e) => e.user.phone === phone)
        .map((e) => e.type),
    ).toEqual(["user.registered", "user.opted_out"]);

    h.clock.now += MINUTE;
    await h.inbound(phone, "START"); // a code the user never got: a new one
    expect(await h.gateway.store.whatsapp.get({ phone })).toMatchObject({ opted_out: false });
    expect(codeIn(bodies(phone)[0] ?? "")).toMatch(/^\d{6}$/);
  });

  it.skipIf(skip)("a STOP from an unknown number records the opt-out and sends nothing", async () => {
    const phone = newPhone();
    await h.inbound(phone, "stop");
    expect(api.to(phone)).toEqual([]);
    expect(await h.gateway.store.whatsapp.get({ phone })).toMatchObject({ opted_out: true, code: { state: "none" } });
  });

  it.skipIf(skip)("a duplicate inbound webhook (Twilio's retry) sends no second code", async () => {
    const phone = newPhone();
    const sid = `SM${"d".repeat(28)}${name === "pglite" ? "0001" : "0002"}`;
    const first = await h.inbound(phone, "hi", { sid });
    const again = await h.inbound(phone, "hi", { sid });
    expect(again.answer).toEqual({ id: first.answer.id, duplicate: true });
    expect(api.to(phone)).toHaveLength(1);
    // A replay of the onboarding delivery itself changes nothing either.
    const [delivery] = await h.query<{ id: string | number }>(
      `select id from hookgate.deliveries where event_id = '${first.answer.id}'`,
    );
    await h.gateway.store.deliveries.replay({ id: Number(delivery!.id) }, { now: new Date(h.clock.now) });
    await h.drain();
    expect(api.to(phone)).toHaveLength(1);
    expect((await h.gateway.store.deliveries.get(Number(delivery!.id)))!.status).toBe("delivered");
  });

  it.skipIf(skip)("a lost answer: the retry finds the message at Twilio and does not text again", async () => {
    const phone = newPhone();
    api.failNext(1, "lose", { method: "POST" });
    await h.inbound(phone, "hi");
    expect(api.to(phone)).toHaveLength(1); // Twilio has it; hookgate never heard back
    const [delivery] = await deliveriesTo("twilio_whatsapp", phone);
    expect(delivery).toMatchObject({ status: "pending", attempts: 1 });
    h.clock.now += 1_000;
    await h.drain();
    expect(api.to(phone)).toHaveLength(1);
    const detail = (await h.gateway.store.deliveries.get(Number(delivery!.id)))!;
    expect(detail.status).toBe("delivered");
    expect(detail.log.find((l) => l.outcome === "delivered")!.response).toContain("found_at_twilio");
    const gets = api.calls.filter((c) => c.method === "GET" && c.query.To === `whatsapp:${phone}`);
    expect(gets).toEqual([
      expect.objectContaining({ authorized: true, query: expect.objectContaining({ From: WHATSAPP_SENDER }) }),
    ]);
  });

  it.skipIf(skip)("an invalid number (21211) is dead at once; a 429 waits for Retry-After", async () => {
    const bad = newPhone();
    api.invalid.add(bad);
    await h.inbound(bad, "hi");
    const [dead] = await deliveriesTo("twilio_whatsapp", bad);
    expect(dead).toMatchObject({ status: "dead", attempts: 1 });
    const detail = (await h.gateway.store.deliveries.get(Number(dead!.id)))!;
    expect(detail.last_error).toContain("error 21211");
    expect(detail.last_error).not.toContain(bad.slice(1));

    const limited = newPhone();
    api.failNext(1, { status: 429, code: 20429, headers: { "retry-after": "20" } }, { method: "POST" });
    await h.inbound(limited, "hi");
    const [waiting] = await deliveriesTo("twilio_whatsapp", limited);
    const row = (await h.gateway.store.deliveries.get(Number(waiting!.id)))!;
    expect(row.status).toBe("pending");
    expect(new Date(row.next_attempt_at).getTime() - h.clock.now).toBeGreaterThanOrEqual(19_000);
  });

  it.skipIf(skip)("LANG es: the next codes come in Spanish; SMS numbers are answered by SMS", async () => {
    const phone = newPhone();
    await h.inbound(phone, "LANG es");
    expect(bodies(phone)[0]).toMatch(códigoEs);
    expect(await h.gateway.store.whatsapp.get({ phone })).toMatchObject({ preferences: { language: "es" } });

    const texter = newPhone();
    await h.inbound(texter, "hello", { sms: true });
    expect(api.to(texter)).toEqual([expect.objectContaining({ to: texter, from: SMS_SENDER })]);
  });

  it.skipIf(skip)(
    "Twilio down → retried after 1 s, 2 s, 4 s → the breaker opens → dead → a replay sends once",
    async () => {
      const phone = newPhone();
      api.down({ status: 500, code: 20500 });
      await h.inbound(phone, "hi");
      const [delivery] = await deliveriesTo("twilio_whatsapp", phone);
      const id = Number(delivery!.id);
      for (const step of [1_000, 2_000]) {
        h.clock.now += step;
        await h.drain();
      }
      // Three failures in a row: the breaker is open, the fourth attempt waits its 30 s cool-down.
      const breaker = (await h.gateway.store.deliveries.get(id))!;
      expect(breaker).toMatchObject({ status: "pending", attempts: 3 });
      h.clock.now += 4_000;
      await h.drain();
      expect((await h.gateway.store.deliveries.get(id))!.attempts).toBe(3);
      h.clock.now += 30_000;
      await h.drain(); // the probe: the fourth and last attempt
      const dead = (await h.gateway.store.deliveries.get(id))!;
      expect(dead).toMatchObject({ status: "dead", attempts: 4 });
      expect(api.to(phone)).toEqual([]);

      api.up();
      await h.gateway.store.deliveries.replay({ id }, { now: new Date(h.clock.now) });
      h.clock.now += 31_000;
      await h.drain();
      expect((await h.gateway.store.deliveries.get(id))!.status).toBe("delivered");
      expect(api.to(phone)).toHaveLength(1);
      await h.gateway.store.deliveries.replay({ id }, { now: new Date(h.clock.now) });
      await h.drain();
      expect(api.to(phone)).toHaveLength(1); // sent once, whatever is replayed
    },
  );
});
