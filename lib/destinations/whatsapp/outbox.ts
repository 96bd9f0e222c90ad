// The events a decision publishes, as the outbox records them: user.* events (routed by
// hookgate.routes.ts like any event, to whatever destinations it names for them) and the
// reply (routed to the sender of its channel, `message.whatsapp` → twilio_whatsapp).
// Dedup keys make a replay of the inbound action record nothing twice.
import type { DeliveryEvent } from "../contract.js";
import { HOOKGATE_PROVIDER } from "../../routing/define.js";
import type { Router } from "../../routing/router.js";
import type { IngestResult } from "../../store/rows.js";
import type { OutboxItem, WhatsappChannel } from "../../store/whatsapp-users.js";
import type { Decision, UserState } from "./rules.js";

/** New deliveries stay leased this long for the attempt made right after the decision. */
const FOLLOW_UP_LEASE_SECONDS = 60;

/** An outgoing message, as its event carries it: no number and no code (the sender looks both up). */
export interface MessagePayload {
  user_id: string;
  kind: string;
  language: string;
  challenge_id?: string;
  tries_left?: number;
  /** The inbound message it answers. */
  in_reply_to: string;
}

export function messageEventType(channel: WhatsappChannel): string {
  return `message.${channel}`;
}

/** What a user.* event says: the user as they are now, with the moment of the change. */
export function userEventPayload(type: string, user: UserState, now: Date) {
  return {
    type,
    occurred_at: now.toISOString(),
    user: {
      id: user.id,
      phone: user.phone,
      channel: user.channel,
      profile_name: user.profile_name,
      wa_id: user.wa_id,
      preferences: user.preferences,
      verified: user.verified_at !== null,
      verified_at: user.verified_at,
      opted_out: user.opted_out_at !== null,
    },
  };
}

/** An outbox item routed by the one router, as a webhook's event is. */
export function outboxItem(route: Router, type: string, dedupKey: string, payload: unknown): OutboxItem {
  const body = JSON.stringify(payload);
  return {
    dedup_key: dedupKey,
    event_type: type,
    body_base64: Buffer.from(body).toString("base64"),
    payload,
    destinations: route(HOOKGATE_PROVIDER, { dedupKey, type, payload }),
    lease_seconds: FOLLOW_UP_LEASE_SECONDS,
  };
}

export function decisionOutbox(
  route: Router,
  decision: Decision,
  inboundEventId: string,
  replyChannel: WhatsappChannel,
  now: Date,
): OutboxItem[] {
  const items = decision.publish.map((type) =>
    outboxItem(
      route,
      type,
      `${type}:${decision.user.id}:${inboundEventId}`,
      userEventPayload(type, decision.user, now),
    ),
  );
  if (decision.reply) {
    const payload: MessagePayload = {
      user_id: decision.user.id,
      kind: decision.reply.kind,
      language: decision.reply.language,
      ...(decision.reply.challengeId ? { challenge_id: decision.reply.challengeId } : {}),
      ...(decision.reply.triesLeft !== undefined ? { tries_left: decision.reply.triesLeft } : {}),
      in_reply_to: inboundEventId,
    };
    items.push(outboxItem(route, messageEventType(replyChannel), `message:${inboundEventId}`, payload));
  }
  return items;
}

/** The recorded outbox as follow-ups for the engine: each event with its new deliveries. */
export function followUps(items: readonly OutboxItem[], results: readonly IngestResult[], now: Date) {
  return results.flatMap((result, i) => {
    const item = items[i];
    if (!item || result.duplicate || result.deliveries.length === 0) return [];
    const event: DeliveryEvent = {
      id: result.event_id,
      provider: HOOKGATE_PROVIDER,
      type: item.event_type,
      body: Buffer.from(item.body_base64, "base64"),
      payload: item.payload,
      headers: { "content-type": "application/json" },
      receivedAt: now,
    };
    return [{ event, deliveries: result.deliveries }];
  });
}
