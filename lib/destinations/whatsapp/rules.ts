// The onboarding's decisions: a pure function of the user's state (as the store read it),
// the inbound message and the time. What it returns is written in one transaction
// (lib/store/whatsapp-users.ts apply): the user, their code, the events to publish, the
// reply and the counters. Tested as a table (tests/destinations/whatsapp/rules.test.ts).
import type {
  WhatsappChannel,
  WhatsappCodeRow,
  WhatsappSnapshot,
  WhatsappUserRow,
} from "../../store/whatsapp-users.js";
import { CODE_TTL_MS, CODES_PER_HOUR, CODES_PER_MINUTE, MAX_WRONG_ATTEMPTS } from "./code.js";
import { isLanguage, type Intent, type Language } from "./intent.js";
import type { MessageKind } from "./messages.js";

export type UserEventType = "user.registered" | "user.verified" | "user.opted_out";

export interface InboundMessage {
  phone: string;
  channel: WhatsappChannel;
  profileName: string | null;
  waId: string | null;
  intent: Intent;
}

/** Values the decision may use that come from outside it: a new user id and code, made in advance. */
export interface Fresh {
  userId: string;
  challengeId: string;
  codeHash: string;
  /** Whether the message's code matches the stored one (computed with the key). */
  codeMatches: boolean;
}

export type UserState = Omit<WhatsappUserRow, "version" | "created_at" | "updated_at">;

export interface Reply {
  kind: MessageKind;
  language: Language;
  challengeId?: string;
  triesLeft?: number;
}

export interface Decision {
  outcome: string;
  user: UserState;
  code: (WhatsappCodeRow & { issued: boolean }) | null;
  publish: UserEventType[];
  /** Null when nothing is sent (an opted-out user never gets one). */
  reply: Reply | null;
  counters: Record<string, number>;
}

export function decide(snapshot: WhatsappSnapshot, message: InboundMessage, now: Date, fresh: Fresh): Decision {
  const existing = snapshot.user;
  const user: UserState = existing
    ? {
        id: existing.id,
        phone: existing.phone,
        channel: existing.channel,
        profile_name: message.profileName ?? existing.profile_name,
        wa_id: message.waId ?? existing.wa_id,
        preferences: { ...existing.preferences },
        verified_at: existing.verified_at,
        opted_out_at: existing.opted_out_at,
      }
    : {
        id: fresh.userId,
        phone: message.phone,
        channel: message.channel,
        profile_name: message.profileName,
        wa_id: message.waId,
        preferences: {},
        verified_at: null,
        opted_out_at: null,
      };
  const publish: UserEventType[] = existing ? [] : ["user.registered"];
  const counters: Record<string, number> = existing ? {} : { registrations: 1 };
  let code: Decision["code"] = null;
  const language = (): Language => (isLanguage(user.preferences.language) ? user.preferences.language : "en");
  const done = (outcome: string, reply: Omit<Reply, "language"> | null): Decision => ({
    outcome,
    user,
    code,
    publish,
    // STOP is honoured before any send: an opted-out user is told nothing.
    reply: reply && user.opted_out_at === null ? { language: language(), ...reply } : null,
    counters,
  });
  const issue = (outcome: string): Decision => {
    if (snapshot.issued_last_minute >= CODES_PER_MINUTE || snapshot.issued_last_hour >= CODES_PER_HOUR) {
      return done("code_limited", { kind: "limited" });
    }
    code = {
      challenge_id: fresh.challengeId,
      code_hash: fresh.codeHash,
      issued_at: now.toISOString(),
      expires_at: new Date(now.getTime() + CODE_TTL_MS).toISOString(),
      wrong_attempts: 0,
      state: "pending",
      issued: true,
    };
    return done(outcome, { kind: "code", challengeId: fresh.challengeId });
  };

  const { intent } = message;
  if (intent.kind === "stop") {
    if (user.opted_out_at === null) {
      user.opted_out_at = now.toISOString();
      publish.push("user.opted_out");
    }
    return done("opted_out", null);
  }
  if (intent.kind === "start") {
    const wasOut = user.opted_out_at !== null;
    user.opted_out_at = null;
    if (user.verified_at !== null) return done("opted_in", wasOut ? { kind: "opted_in" } : null);
    // Whatever code was pending may never have reached them (the send honoured the STOP): a new one.
    return issue("opted_in");
  }
  if (intent.kind === "language") {
    if (intent.language === null) return done("language_unknown", { kind: "language_unknown" });
    user.preferences.language = intent.language;
    if (!existing) return issue("registered");
    return done("language_set", { kind: "language" });
  }
  if (user.opted_out_at !== null) return done("ignored_opted_out", null);
  if (!existing) return issue("registered");
  // A verified user's messages are not onboarded again.
  if (user.verified_at !== null) return done("already_verified", null);

  if (intent.kind === "resend") return issue("code_resent");
  const current = snapshot.code;
  if (intent.kind === "code" && current && current.state === "pending") {
    if (!live(current, now)) {
      counters.otp_failed = 1;
      return done("code_expired", { kind: "code_expired" });
    }
    if (fresh.codeMatches) {
      code = { ...current, state: "verified", issued: false };
      user.verified_at = now.toISOString();
      publish.push("user.verified");
      counters.otp_verified = 1;
      return done("verified", { kind: "verified" });
    }
    const wrong = current.wrong_attempts + 1;
    counters.otp_failed = 1;
    if (wrong >= MAX_WRONG_ATTEMPTS) {
      code = { ...current, wrong_attempts: wrong, state: "void", issued: false };
      return done("code_void", { kind: "code_void" });
    }
    code = { ...current, wrong_attempts: wrong, issued: false };
    return done("wrong_code", { kind: "wrong_code", triesLeft: MAX_WRONG_ATTEMPTS - wrong });
  }
  if (intent.kind === "code") {
    // A code, but none is pending (void, or never sent): say how to get one.
    counters.otp_failed = 1;
    return done("code_void", { kind: "code_void" });
  }
  // Any other text: a reminder while a code is good, else a new code.
  return live(current, now) ? done("prompt", { kind: "prompt" }) : issue("code_sent");
}

function live(code: WhatsappCodeRow | null, now: Date): boolean {
  return code !== null && code.state === "pending" && new Date(code.expires_at).getTime() > now.getTime();
}
