// The onboarding's SQL on PGlite and (with DATABASE_URL) real PostgreSQL: a decision lands
// once per inbound event and only on the version it was taken on (two taken at once:
// one wins, on real PostgreSQL truly concurrently), a send is marked begun before it is
// posted and recorded once, and the counters count each thing once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Store } from "../../lib/store/store.js";
import type { WhatsappDecisionRecord } from "../../lib/store/whatsapp-users.js";
import { newEvent } from "../support/events.js";
import { openStore, STORES } from "../support/stores.js";

describe.each(STORES)("WhatsApp users in SQL on $name", ({ name, skip }) => {
  let store: Store;
  let drop: (() => Promise<void>) | undefined;
  let n = 0;
  beforeAll(async () => {
    if (skip) return;
    ({ store, drop } = await openStore(name));
  });
  afterAll(async () => {
    await store?.close();
    await drop?.();
  });

  const now = new Date();
  const inbound = async () =>
    (await store.events.ingest(newEvent({ source: "twilio", provider: "twilio", type: "whatsapp.inbound" }))).event_id;
  const phone = () => `+1555${name === "pglite" ? 7 : 8}${String(++n).padStart(6, "0")}`;
  const record = (eventId: string, id: string, p: string, expectedVersion: number | null): WhatsappDecisionRecord => ({
    eventId,
    expectedVersion,
    user: {
      id,
      phone: p,
      channel: "whatsapp",
      profile_name: null,
      wa_id: null,
      preferences: {},
      verified_at: null,
      opted_out_at: null,
    },
    code: null,
    outbox: [],
    counters: { registrations: expectedVersion === null ? 1 : 0 },
    outcome: "registered",
    now,
  });

  it.skipIf(skip)("a decision lands once per inbound event, and only on the version it was taken on", async () => {
    const p = phone();
    const id = crypto.randomUUID();
    const first = await inbound();
    expect(await store.whatsapp.apply(record(first, id, p, null))).toMatchObject({ applied: true });
    // The same event again (a retry that overtook another): handled, nothing changes.
    expect(await store.whatsapp.apply(record(first, id, p, 1))).toEqual({ applied: false, handled: true });
    expect((await store.whatsapp.snapshot(p, first, now)).handled).toBe("registered");
    // A second creation of the same number loses: the number is taken.
    expect(await store.whatsapp.apply(record(await inbound(), crypto.randomUUID(), p, null))).toMatchObject({
      applied: false,
      handled: false,
    });
    // Two decisions taken on version 1 at once: exactly one lands.
    const [a, b] = await Promise.all([inbound(), inbound()]);
    const results = await Promise.all([
      store.whatsapp.apply(record(a, id, p, 1)),
      store.whatsapp.apply(record(b, id, p, 1)),
    ]);
    expect(results.map((r) => r.applied).sort()).toEqual([false, true]);
    expect((await store.whatsapp.snapshot(p, a, now)).user!.version).toBe(2);
  });

  it.skipIf(skip)("a send is marked begun before it is posted, and its sid recorded once", async () => {
    const p = phone();
    const userId = crypto.randomUUID();
    await store.whatsapp.apply(record(await inbound(), userId, p, null));
    const message = (await store.events.ingest(newEvent({ source: "hookgate", provider: "hookgate" }))).event_id;
    const before = await store.whatsapp.metrics();
    expect(await store.whatsapp.beginSend({ userId, eventId: message, kind: "code" })).toEqual({
      phone: p,
      opted_out: false,
      sent: null,
      began_before: false,
    });
    // The answer was lost: the next attempt knows it began.
    expect(await store.whatsapp.beginSend({ userId, eventId: message, kind: "code" })).toMatchObject({
      sent: null,
      began_before: true,
    });
    await store.whatsapp.recordSend({ eventId: message, userId, kind: "code", sid: "SM1", status: "queued" });
    await store.whatsapp.recordSend({ eventId: message, userId, kind: "code", sid: "SM2", status: "queued" });
    expect(await store.whatsapp.beginSend({ userId, eventId: message, kind: "code" })).toMatchObject({
      sent: { sid: "SM1", status: "queued" },
    });
    const after = await store.whatsapp.metrics();
    expect(Number(after.otp_sent) - Number(before.otp_sent)).toBe(1);
    expect(Number(after.registrations) - Number(before.registrations)).toBe(0);
    expect(await store.whatsapp.beginSend({ userId: crypto.randomUUID(), eventId: message, kind: "code" })).toBeNull();
  });
});
