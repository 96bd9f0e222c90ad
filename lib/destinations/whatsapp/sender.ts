// The sender of one channel (twilio_whatsapp, twilio_sms) as a built-in destination: each
// outgoing message event is one delivery, posted to the Twilio Messages API, with that
// destination's retries and breaker (hookgate.routes.ts).
//
// Never twice: the send is marked begun in the store before it is posted, and Twilio's
// sid recorded after. A message with a sid is done; one begun without a sid (its answer
// was lost: a timeout, a crash, a store that failed to record) is first looked for at
// Twilio (same sender and recipient, same body by hash) and only posted when it is not
// there. The body is the same on every attempt: the code is derived from its challenge,
// the language fixed when the reply was decided.
import * as z from "../../config/zod.js";
import type { ActionDestination, AttemptOutcome, DeliveryEvent } from "../contract.js";
import type { WhatsappChannel, WhatsappUsersStore } from "../../store/whatsapp-users.js";
import { codeFor } from "./code.js";
import { isLanguage } from "./intent.js";
import { MESSAGE_KINDS, render, type MessageKind } from "./messages.js";
import type { WhatsappSettings } from "./settings.js";
import { twilioMessagesApi, type TwilioMessagesApi } from "./twilio-api.js";

export const SENDERS: Record<WhatsappChannel, string> = { whatsapp: "twilio_whatsapp", sms: "twilio_sms" };

const Message = z.looseObject({
  user_id: z.string(),
  kind: z.string(),
  language: z.string(),
  challenge_id: z.optional(z.string()),
  tries_left: z.optional(z.number()),
});

export interface SenderParts {
  channel: WhatsappChannel;
  users: WhatsappUsersStore;
  settings: WhatsappSettings;
  api?: TwilioMessagesApi;
}

export function twilioSender(parts: SenderParts): ActionDestination {
  const api = parts.api ?? twilioMessagesApi(parts.settings.api);
  return {
    kind: "action",
    name: SENDERS[parts.channel],
    run: (event, context) => send(parts, api, event, context.signal),
  };
}

async function send(
  { channel, users, settings }: SenderParts,
  api: TwilioMessagesApi,
  event: DeliveryEvent,
  signal: AbortSignal,
): Promise<AttemptOutcome> {
  const parsed = Message.safeParse(event.payload);
  const kind = parsed.data?.kind as MessageKind | undefined;
  if (
    !parsed.success ||
    !kind ||
    !(MESSAGE_KINDS as readonly string[]).includes(kind) ||
    (kind === "code" && !parsed.data.challenge_id)
  ) {
    return { kind: "dead", error: "not an outgoing message event", errorClass: "whatsapp_bad_event" };
  }
  const message = parsed.data;
  const from = settings.senders[channel];
  if (from === null)
    return { kind: "dead", error: `no ${channel} sender is configured`, errorClass: "whatsapp_config" };

  const recipient = await users.beginSend({ userId: message.user_id, eventId: event.id, kind });
  if (!recipient) return { kind: "dead", error: "the user no longer exists", errorClass: "whatsapp_no_user" };
  if (recipient.sent) return done(recipient.sent, "already_sent");
  // Honoured before any send, on every attempt: a STOP since the reply was decided wins.
  if (recipient.opted_out) return { kind: "delivered", response: JSON.stringify({ skipped: "opted_out" }) };

  const outgoing = {
    to: channel === "whatsapp" ? `whatsapp:${recipient.phone}` : recipient.phone,
    from,
    body: render(kind, isLanguage(message.language) ? message.language : "en", {
      code: message.challenge_id ? codeFor(settings.codeKey, message.challenge_id) : undefined,
      triesLeft: message.tries_left,
    }),
  };
  if (recipient.began_before) {
    const found = await api.findSent(outgoing, event.receivedAt, signal);
    // Unable to tell whether it went: retry rather than risk texting twice.
    if (!found.ok) return found.failure;
    if (found.value) {
      await users.recordSend({ eventId: event.id, userId: message.user_id, kind, ...found.value });
      return done(found.value, "found_at_twilio");
    }
  }
  const sent = await api.send(outgoing, signal);
  if (!sent.ok) return sent.failure;
  await users.recordSend({ eventId: event.id, userId: message.user_id, kind, ...sent.value });
  return done(sent.value, "sent", 201);
}

/** What the attempt log keeps of Twilio's answer: the sid and status, never the body or number it echoes. */
function done(sent: { sid: string; status: string | null }, how: string, status?: number): AttemptOutcome {
  return {
    kind: "delivered",
    ...(status ? { status } : {}),
    response: JSON.stringify({ [how]: true, sid: sent.sid, status: sent.status }),
  };
}
