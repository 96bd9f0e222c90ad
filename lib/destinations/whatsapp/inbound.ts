// An inbound Twilio message (SMS or WhatsApp), as the onboarding reads it from the
// event's form parameters. WhatsApp's From is `whatsapp:+<E.164>`, with ProfileName and
// WaId; SMS's is the E.164 number itself.
// https://www.twilio.com/docs/messaging/guides/webhook-request
import { E164 } from "../../config/e164.js";
import * as z from "../../config/zod.js";
import type { WhatsappChannel } from "../../store/whatsapp-users.js";

const InboundParams = z.looseObject({
  From: z.string(),
  Body: z._default(z.string(), ""),
  ProfileName: z.optional(z.string()),
  WaId: z.optional(z.string()),
  MessageStatus: z.optional(z.string()),
});

export interface Inbound {
  phone: string;
  channel: WhatsappChannel;
  body: string;
  profileName: string | null;
  waId: string | null;
}

/** Null when the payload is not an inbound message from a phone number (a status callback, say). */
export function inboundOf(payload: unknown): Inbound | null {
  const parsed = InboundParams.safeParse(payload);
  if (!parsed.success || parsed.data.MessageStatus !== undefined) return null;
  const from = parsed.data.From;
  const channel: WhatsappChannel = from.startsWith("whatsapp:") ? "whatsapp" : "sms";
  const phone = channel === "whatsapp" ? from.slice("whatsapp:".length) : from;
  if (!E164.test(phone)) return null;
  return {
    phone,
    channel,
    body: parsed.data.Body,
    profileName: parsed.data.ProfileName?.trim() || null,
    waId: parsed.data.WaId?.trim() || null,
  };
}
