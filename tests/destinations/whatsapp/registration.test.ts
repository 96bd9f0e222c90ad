// hookgate.routes.ts turns the onboarding on with its variables: inbound WhatsApp (and,
// with TWILIO_SMS_NUMBER, SMS) messages to the action, status callbacks nowhere, each
// reply to its channel's sender with the Twilio breaker and retry policy; and the
// environment refuses half a configuration, naming the variable.
import { describe, expect, it } from "vitest";
import routes from "../../../hookgate.routes.js";
import { loadConfig } from "../../../lib/config/env.js";
import { providers } from "../../../lib/providers/catalog.js";
import { compileRouting } from "../../../lib/routing/table.js";
import type { Store } from "../../../lib/store/store.js";
import { ACCOUNT_SID } from "../../support/twilio-api.js";

const ON = {
  TWILIO_AUTH_TOKEN: "token",
  TWILIO_ACCOUNT_SID: ACCOUNT_SID,
  TWILIO_WHATSAPP_NUMBER: "whatsapp:+14155238886",
};

// The actions hold the store's slice; nothing here attempts, so an empty one does.
const store = { whatsapp: {} } as unknown as Store;
const compiled = (env: Record<string, string>) =>
  compileRouting(routes, { env: loadConfig(env).env, providers: providers.map((p) => p.name), store });
const event = (type: string) => ({ dedupKey: "k", type, payload: {} });

describe("the onboarding in hookgate.routes.ts", () => {
  it("is off without TWILIO_ACCOUNT_SID and TWILIO_WHATSAPP_NUMBER", () => {
    const routing = compiled({ TWILIO_AUTH_TOKEN: "token" });
    expect([...routing.destinations.keys()]).toEqual([]);
    expect(routing.route("twilio", event("whatsapp.inbound"))).toEqual([]);
  });

  it("routes inbound messages to the action, status callbacks nowhere, replies to the sender", () => {
    const routing = compiled(ON);
    expect([...routing.destinations.keys()].sort()).toEqual(["twilio_whatsapp", "whatsapp-onboarding"]);
    expect(routing.route("twilio", event("whatsapp.inbound"))).toEqual(["whatsapp-onboarding"]);
    expect(routing.route("twilio", event("whatsapp.status.delivered"))).toEqual([]);
    expect(routing.route("twilio", event("sms.inbound"))).toEqual([]);
    expect(routing.route("hookgate", event("message.whatsapp"))).toEqual(["twilio_whatsapp"]);
    expect(routing.route("hookgate", event("user.verified"))).toEqual([]);
    // The breaker opens after 3 failures and cools down 30 s; retries after 1 s, 2 s, 4 s.
    expect(routing.destinations.get("twilio_whatsapp")).toMatchObject({
      retry: { schedule: [0, 1_000, 2_000, 4_000] },
      breaker: { failures: 3, cooldownMs: 30_000 },
    });
  });

  it("with TWILIO_SMS_NUMBER, SMS too", () => {
    const routing = compiled({ ...ON, TWILIO_SMS_NUMBER: "+14155550100" });
    expect(routing.route("twilio", event("sms.inbound"))).toEqual(["whatsapp-onboarding"]);
    expect(routing.route("twilio", event("sms.status.sent"))).toEqual([]);
    expect(routing.route("hookgate", event("message.sms"))).toEqual(["twilio_sms"]);
  });
});

describe("its variables", () => {
  it.each([
    [{ TWILIO_ACCOUNT_SID: ACCOUNT_SID, TWILIO_AUTH_TOKEN: "t" }, "TWILIO_WHATSAPP_NUMBER"],
    [{ TWILIO_WHATSAPP_NUMBER: "whatsapp:+14155238886", TWILIO_AUTH_TOKEN: "t" }, "TWILIO_WHATSAPP_NUMBER"],
    [{ TWILIO_ACCOUNT_SID: ACCOUNT_SID, TWILIO_WHATSAPP_NUMBER: "whatsapp:+14155238886" }, "TWILIO_AUTH_TOKEN"],
    [{ ...ON, TWILIO_WHATSAPP_NUMBER: "+14155238886" }, "TWILIO_WHATSAPP_NUMBER: must be whatsapp:+"],
    [{ ...ON, TWILIO_ACCOUNT_SID: "AC123" }, "TWILIO_ACCOUNT_SID: must be AC"],
    [{ ...ON, TWILIO_SMS_NUMBER: "4155550100" }, "TWILIO_SMS_NUMBER: must be an E.164"],
    [{ TWILIO_SMS_NUMBER: "+14155550100" }, "TWILIO_ACCOUNT_SID"],
    [{ ...ON, TWILIO_API_BASE_URL: "ftp://api.twilio.com" }, "TWILIO_API_BASE_URL"],
  ])("%j is refused, naming %s", (env, named) => {
    expect(() => loadConfig(env)).toThrow(named);
  });
  it("defaults TWILIO_API_BASE_URL to Twilio's", () => {
    expect(loadConfig(ON).env.TWILIO_API_BASE_URL).toBe("https://api.twilio.com");
  });
});
