// The onboarding's settings, read from the environment once when the routing file is
// compiled. On when TWILIO_ACCOUNT_SID and TWILIO_WHATSAPP_NUMBER are set (with
// TWILIO_AUTH_TOKEN, which lib/config/env.ts then requires).
import { providerList, type Env } from "../../config/env.js";
import type { WhatsappChannel } from "../../store/whatsapp-users.js";
import { codeKey } from "./code.js";

export interface TwilioApiSettings {
  baseUrl: string;
  accountSid: string;
  authToken: string;
}

export interface WhatsappSettings {
  api: TwilioApiSettings;
  /** The sender of each channel (`whatsapp:+1…`, `+1…`); null: that channel is off. */
  senders: Record<WhatsappChannel, string | null>;
  /** The key codes are derived and hashed with (from the auth token; never stored). */
  codeKey: Buffer;
}

export function whatsappEnabled(env: Env): boolean {
  return env.TWILIO_ACCOUNT_SID !== undefined && env.TWILIO_WHATSAPP_NUMBER !== undefined;
}

export function whatsappSettings(env: Env): WhatsappSettings {
  // The first auth token is the current one: a second listed one only verifies webhooks during rotation.
  const authToken = providerList(env, "TWILIO_AUTH_TOKEN")[0] ?? "";
  return {
    api: { baseUrl: env.TWILIO_API_BASE_URL.replace(/\/+$/, ""), accountSid: env.TWILIO_ACCOUNT_SID ?? "", authToken },
    senders: { whatsapp: env.TWILIO_WHATSAPP_NUMBER ?? null, sms: env.TWILIO_SMS_NUMBER ?? null },
    codeKey: codeKey(authToken),
  };
}
