// The onboarding as a built-in delivery destination: each inbound Twilio message is
// read, decided by the pure rules against the user's state, and the decision written in
// one transaction with the events it publishes (user.* and the reply). The reply leaves
// as a delivery of its own (twilio_whatsapp / twilio_sms), attempted at once as a
// follow-up of this attempt, with that destination's retries and breaker.
//
// Idempotent: the store records each inbound event it handled, so a retry or a replay
// of this delivery changes nothing and sends nothing twice; two messages decided at once
// cannot both land (the write names the version it was decided on: the loser decides again).
import { randomUUID } from "node:crypto";
import type { ActionDestination, AttemptOutcome, DeliveryEvent } from "../contract.js";
import type { Router } from "../../routing/router.js";
import type { WhatsappChannel, WhatsappUsersStore } from "../../store/whatsapp-users.js";
import { codeFor, codeHash, codeMatches } from "./code.js";
import { inboundOf, type Inbound } from "./inbound.js";
import { intentOf } from "./intent.js";
import { decisionOutbox, followUps } from "./outbox.js";
import { decide, type UserState } from "./rules.js";
import type { WhatsappSettings } from "./settings.js";

export const WHATSAPP_ONBOARDING = "whatsapp-onboarding";
/** Decisions overtaken by another (a second message of the same user at the same moment) are taken again. */
const ROUNDS = 3;

export interface OnboardingParts {
  users: WhatsappUsersStore;
  settings: WhatsappSettings;
  /** The routing file's own router: the outbox events are routed as any event is. */
  route: Router;
}

export function whatsappOnboarding(parts: OnboardingParts): ActionDestination {
  return {
    kind: "action",
    name: WHATSAPP_ONBOARDING,
    async run(event, context) {
      const inbound = inboundOf(event.payload);
      if (!inbound) {
        return { kind: "dead", error: "not an inbound message from a phone number", errorClass: "whatsapp_bad_event" };
      }
      return handle(parts, event, inbound, context.now ?? new Date());
    },
  };
}

async function handle(
  { users, settings, route }: OnboardingParts,
  event: DeliveryEvent,
  inbound: Inbound,
  now: Date,
): Promise<AttemptOutcome> {
  const intent = intentOf(inbound.body);
  for (let round = 0; round < ROUNDS; round++) {
    const snapshot = await users.snapshot(inbound.phone, event.id, now);
    if (snapshot.handled !== null) return handledBefore(snapshot.handled);
    const challengeId = randomUUID();
    const decision = decide(snapshot, { ...inbound, intent }, now, {
      userId: randomUUID(),
      challengeId,
      // Used only if the decision issues a code (the sender derives the code itself again).
      codeHash: codeHash(settings.codeKey, challengeId, codeFor(settings.codeKey, challengeId)),
      codeMatches:
        intent.kind === "code" && snapshot.code !== null && codeMatches(settings.codeKey, snapshot.code, intent.code),
    });
    const outbox = decisionOutbox(route, decision, event.id, replyChannel(decision.user, settings), now);
    const result = await users.apply({
      eventId: event.id,
      expectedVersion: snapshot.user?.version ?? null,
      user: decision.user,
      code: decision.code,
      outbox,
      counters: decision.counters,
      outcome: decision.outcome,
      now,
    });
    if (result.handled) return handledBefore("handled by another attempt");
    if (!result.applied) continue;
    const unsent = decision.reply !== null && outbox.at(-1)?.destinations.length === 0;
    return {
      kind: "delivered",
      response: JSON.stringify({
        outcome: decision.outcome,
        user_id: decision.user.id,
        published: decision.publish,
        reply: decision.reply?.kind ?? null,
        ...(unsent ? { unsent: "no route for the reply's channel in hookgate.routes.ts" } : {}),
      }),
      followUps: followUps(outbox, result.outbox ?? [], now),
    };
  }
  return {
    kind: "retry",
    error: "the user changed while each decision was taken",
    errorClass: "whatsapp_conflict",
  };
}

function handledBefore(outcome: string): AttemptOutcome {
  return { kind: "delivered", response: JSON.stringify({ outcome, again: true }) };
}

/** The user's chosen channel when its sender is configured, else the one they wrote on. */
function replyChannel(user: UserState, settings: WhatsappSettings): WhatsappChannel {
  const chosen = user.preferences.channel;
  if ((chosen === "sms" || chosen === "whatsapp") && settings.senders[chosen] !== null) return chosen;
  return user.channel;
}
