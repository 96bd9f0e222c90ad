// The WhatsApp onboarding, as hookgate.routes.ts registers it: the onboarding action
// (inbound messages in), the senders (one destination per channel, with the Twilio
// breaker and retry policy) and the routes between them. docs/whatsapp-onboarding.md.
import type { Env } from "../../config/env.js";
import { HOOKGATE_PROVIDER, type ActionDefinition, type RouteDefinition } from "../../routing/define.js";
import type { Router } from "../../routing/router.js";
import type { Store } from "../../store/store.js";
import { whatsappOnboarding, WHATSAPP_ONBOARDING } from "./onboarding.js";
import { messageEventType } from "./outbox.js";
import { SENDERS, twilioSender } from "./sender.js";
import { whatsappEnabled, whatsappSettings } from "./settings.js";

/**
 * Twilio's sends, from the production notes of the handler this grew from: retried after
 * 1 s, 2 s and 4 s (four attempts in all), and a breaker that opens after 3 failures in a
 * row and lets one probe through after 30 s.
 */
export const TWILIO_SEND_POLICY = {
  timeoutMs: 10_000,
  retry: { schedule: [0, 1_000, 2_000, 4_000] },
  breaker: { failures: 3, cooldownMs: 30_000 },
} as const;

/** The onboarding and its senders by name; none unless TWILIO_ACCOUNT_SID and TWILIO_WHATSAPP_NUMBER are set. */
export function whatsappDestinations({
  env,
  store,
  route,
}: {
  env: Env;
  store: Pick<Store, "whatsapp">;
  route: Router;
}): Record<string, ActionDefinition> {
  if (!whatsappEnabled(env)) return {};
  const settings = whatsappSettings(env);
  const sender = (channel: "whatsapp" | "sms") => ({
    ...twilioSender({ channel, users: store.whatsapp, settings }),
    ...TWILIO_SEND_POLICY,
    retry: { ...TWILIO_SEND_POLICY.retry, schedule: [...TWILIO_SEND_POLICY.retry.schedule] },
    breaker: { ...TWILIO_SEND_POLICY.breaker },
  });
  return {
    [WHATSAPP_ONBOARDING]: whatsappOnboarding({ users: store.whatsapp, settings, route }),
    [SENDERS.whatsapp]: sender("whatsapp"),
    ...(settings.senders.sms ? { [SENDERS.sms]: sender("sms") } : {}),
  };
}

/** Inbound messages to the onboarding (status callbacks go nowhere), and each reply to its channel's sender. */
export function whatsappRoutes(env: Env): RouteDefinition[] {
  if (!whatsappEnabled(env)) return [];
  const sms = env.TWILIO_SMS_NUMBER !== undefined;
  return [
    {
      provider: "twilio",
      events: sms ? ["whatsapp.inbound", "sms.inbound"] : ["whatsapp.inbound"],
      to: [WHATSAPP_ONBOARDING],
    },
    { provider: HOOKGATE_PROVIDER, events: [messageEventType("whatsapp")], to: [SENDERS.whatsapp] },
    ...(sms ? [{ provider: HOOKGATE_PROVIDER, events: [messageEventType("sms")], to: [SENDERS.sms] }] : []),
  ];
}
