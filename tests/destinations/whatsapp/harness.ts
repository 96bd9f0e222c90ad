// The gateway the onboarding tests run: PGlite always, real PostgreSQL when DATABASE_URL
// is set (a fresh database per file), a hand-moved clock, the Twilio stand-in, and a
// receiver ("crm") that the user events are routed to, Standard Webhooks signed.
import { Webhook } from "standardwebhooks";
import { expect } from "vitest";
import type { App } from "../../../lib/app.js";
import { settled } from "../../../lib/http/after.js";
import { twilio } from "../../../lib/providers/twilio.js";
import { webhook } from "../../../lib/routes/webhooks.js";
import { forward, type RoutingFile } from "../../../lib/routing/define.js";
import { whatsappDestinations, whatsappRoutes } from "../../../lib/destinations/whatsapp/index.js";
import { endpointOf, testApp } from "../../support/app.js";
import { openStore, type StoreKind } from "../../support/stores.js";
import { signedRequest } from "../../support/requests.js";
import { ACCOUNT_SID, AUTH_TOKEN, type FakeTwilio } from "../../support/twilio-api.js";
import { receiver, SECRET, type Receiver } from "../../delivery/support.js";

export const WHATSAPP_SENDER = "whatsapp:+14155238886";
export const SMS_SENDER = "+14155550100";

export { STORES } from "../../support/stores.js";

export function onboardingEnv(api: FakeTwilio): Record<string, string> {
  return {
    TWILIO_AUTH_TOKEN: AUTH_TOKEN,
    TWILIO_ACCOUNT_SID: ACCOUNT_SID,
    TWILIO_WHATSAPP_NUMBER: WHATSAPP_SENDER,
    TWILIO_SMS_NUMBER: SMS_SENDER,
    TWILIO_API_BASE_URL: api.baseUrl,
  };
}

/** hookgate.routes.ts's onboarding part, plus a route of the user events to the receiver. */
function routesWithCrm(crm: Receiver): RoutingFile {
  return ({ env, store, route }) => ({
    destinations: { ...whatsappDestinations({ env, store, route }), crm: forward({ url: crm.url, secret: SECRET }) },
    routes: [
      ...whatsappRoutes(env),
      { provider: "hookgate", events: ["user.registered", "user.verified", "user.opted_out"], to: ["crm"] },
    ],
  });
}

export interface Harness {
  gateway: App;
  crm: Receiver;
  clock: { now: number };
  query<T>(text: string): Promise<T[]>;
  /** POSTs an inbound message signed as Twilio signs it; waits for the work after the answer. */
  inbound(
    from: string,
    body: string,
    options?: { sid?: string; profileName?: string; sms?: boolean },
  ): Promise<{
    status: number;
    answer: { id: string; duplicate: boolean };
  }>;
  /** The user events the receiver got, verified with the standardwebhooks package. */
  userEvents(): { type: string; user: { id: string; phone: string; verified: boolean } }[];
  /** The app's engine: claims what is due at the clock's time. */
  drain(): Promise<void>;
  close(): Promise<void>;
}

let sids = 0;

export async function openHarness(
  kind: StoreKind,
  api: FakeTwilio,
  extraEnv: Record<string, string> = {},
): Promise<Harness> {
  const clock = { now: Date.now() };
  const crm = await receiver();
  // No jitter: the retries come exactly 1 s, 2 s, 4 s after.
  const parts = { clock: () => clock.now, random: () => 0.5, routes: routesWithCrm(crm) };
  const { store, query, drop } = await openStore(kind);
  const gateway: App = await testApp({ ...onboardingEnv(api), ...extraEnv }, { ...parts, store });
  const endpoint = endpointOf(webhook(twilio), gateway);
  const verifier = new Webhook(SECRET);
  return {
    gateway,
    crm,
    clock,
    query,
    async inbound(from, body, { sid, profileName = "Ana", sms = false } = {}) {
      const messageSid = sid ?? `SM${String(++sids).padStart(32, "f")}`;
      const form = new URLSearchParams({
        SmsMessageSid: messageSid,
        NumMedia: "0",
        ...(sms ? {} : { ProfileName: profileName, WaId: from.slice(1) }),
        SmsSid: messageSid,
        SmsStatus: "received",
        Body: body,
        To: sms ? SMS_SENDER : WHATSAPP_SENDER,
        NumSegments: "1",
        MessageSid: messageSid,
        AccountSid: ACCOUNT_SID,
        From: sms ? from : `whatsapp:${from}`,
        ApiVersion: "2010-04-01",
      });
      const response = await endpoint.fetch(signedRequest(twilio, { secret: AUTH_TOKEN, body: form.toString() }));
      expect(await response.text()).toContain("<Response/>");
      await settled();
      const [event] = await query<{ id: string; duplicates: number }>(
        `select id, duplicates from hookgate.events where provider = 'twilio' and dedup_key = '${messageSid}:received'`,
      );
      return { status: response.status, answer: { id: event!.id, duplicate: event!.duplicates > 0 } };
    },
    userEvents() {
      return crm.requests.map((r) => {
        // Signed at the app's clock, hours ahead of the wall clock: the signature is checked, not its age.
        const [id, timestamp] = [String(r.headers["webhook-id"]), Number(r.headers["webhook-timestamp"])];
        const body = r.body.toString("utf8");
        expect(String(r.headers["webhook-signature"])).toContain(verifier.sign(id, new Date(timestamp * 1000), body));
        return JSON.parse(body) as ReturnType<Harness["userEvents"]>[number];
      });
    },
    async drain() {
      await (await gateway.engine()).drain();
    },
    async close() {
      await gateway.close();
      await crm.close();
      await drop();
    },
  };
}
