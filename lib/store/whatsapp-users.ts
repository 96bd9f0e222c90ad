// The WhatsApp onboarding's store calls: a user's state read in one call, a decision
// written in one transaction (the user, their code and the outbox events it publishes),
// the sends recorded by their Twilio sid, and the views operators read. Each one SQL
// function of supabase/migrations/20261201000200_whatsapp_onboarding.sql.
import type { StoreCall } from "./functions.js";
import type {
  IngestResult,
  OutboxItem,
  WhatsappApplyResult,
  WhatsappCodeRow,
  WhatsappMetrics,
  WhatsappRecipient,
  WhatsappSnapshot,
  WhatsappUserRow,
  WhatsappUserView,
} from "./rows.js";

export type {
  OutboxItem,
  WhatsappChannel,
  WhatsappCodeRow,
  WhatsappMetrics,
  WhatsappSnapshot,
  WhatsappUserRow,
  WhatsappUserView,
} from "./rows.js";

/** One decision on an inbound message, as the rules took it. */
export interface WhatsappDecisionRecord {
  eventId: string;
  /** The version the decision was taken on; null for a user it creates. */
  expectedVersion: number | null;
  user: Omit<WhatsappUserRow, "version" | "created_at" | "updated_at">;
  /** The code's new state, `issued` when it is a new one; null leaves it as it is. */
  code: (WhatsappCodeRow & { issued: boolean }) | null;
  outbox: readonly OutboxItem[];
  counters: Record<string, number>;
  outcome: string;
  now: Date;
}

export interface WhatsappUsersStore {
  snapshot(phone: string, eventId: string, now: Date): Promise<WhatsappSnapshot>;
  /** `applied: false` when the user changed since the snapshot: decide again. */
  apply(record: WhatsappDecisionRecord): Promise<WhatsappApplyResult>;
  /** The recipient of an outgoing message, and where its send stands; marks the send begun. */
  beginSend(send: { userId: string; eventId: string; kind: string }): Promise<WhatsappRecipient | null>;
  /** Records Twilio's sid for an outgoing message, once. */
  recordSend(send: {
    eventId: string;
    userId: string;
    kind: string;
    sid: string;
    status: string | null;
  }): Promise<void>;
  list(query?: { limit?: number; now?: Date }): Promise<WhatsappUserView[]>;
  /** One user by id or E.164 phone number; null when there is none. */
  get(query: { id?: string; phone?: string; now?: Date }): Promise<WhatsappUserView | null>;
  setPreferences(update: {
    userId: string;
    preferences: Record<string, string | null>;
    optedOut: boolean | null;
    optedOutEvents: readonly OutboxItem[];
    now?: Date;
  }): Promise<{ user: WhatsappUserView; published: IngestResult[] } | null>;
  metrics(): Promise<WhatsappMetrics>;
}

export function whatsappUsersStore(call: StoreCall): WhatsappUsersStore {
  return {
    snapshot: (phone, eventId, now) =>
      call("hookgate_whatsapp_snapshot", { p_phone: phone, p_event_id: eventId, p_now: now.toISOString() }),
    apply: (record) =>
      call("hookgate_whatsapp_apply", {
        p_event_id: record.eventId,
        p_expected_version: record.expectedVersion,
        p_user: { ...record.user },
        p_code: record.code && { ...record.code },
        p_outbox: record.outbox,
        p_counters: record.counters,
        p_outcome: record.outcome,
        p_now: record.now.toISOString(),
      }),
    beginSend: ({ userId, eventId, kind }) =>
      call("hookgate_whatsapp_begin_send", { p_user_id: userId, p_event_id: eventId, p_kind: kind }),
    async recordSend(send) {
      await call("hookgate_whatsapp_record_send", {
        p_event_id: send.eventId,
        p_user_id: send.userId,
        p_kind: send.kind,
        p_sid: send.sid,
        p_status: send.status,
      });
    },
    list: ({ limit = 50, now } = {}) =>
      call("hookgate_whatsapp_users", {
        p_id: null,
        p_phone: null,
        p_limit: limit,
        p_now: now?.toISOString() ?? null,
      }),
    async get({ id, phone, now }) {
      if (id === undefined && phone === undefined) return null;
      const [user] = await call("hookgate_whatsapp_users", {
        p_id: id ?? null,
        p_phone: phone ?? null,
        p_limit: 1,
        p_now: now?.toISOString() ?? null,
      });
      return user ?? null;
    },
    setPreferences: (update) =>
      call("hookgate_whatsapp_set_preferences", {
        p_user_id: update.userId,
        p_preferences: update.preferences,
        p_opted_out: update.optedOut,
        p_opted_out_events: update.optedOutEvents,
        p_now: update.now?.toISOString() ?? null,
      }),
    metrics: () => call("hookgate_whatsapp_metrics", {}),
  };
}
