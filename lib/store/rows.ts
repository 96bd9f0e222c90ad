// The jsonb the SQL functions take and answer (supabase/migrations), as TypeScript.
// These are the store's own types: the layers above import them, never the reverse.

// ---- events (20261122000000_hookgate_core.sql, 20261122000400_operations.sql)

export interface CreatedDelivery {
  id: number;
  destination: string;
}

/** One event of hookgate_ingest_batch (20261201000150_ingest_batch_set_based.sql): hookgate_ingest's arguments without `p_`. */
export interface IngestItem {
  source: string;
  provider: string;
  dedup_key: string;
  event_type: string | null;
  verified: boolean;
  body_base64: string;
  payload: unknown;
  payload_error: string | null;
  headers: Record<string, string>;
  destinations: readonly string[];
  lease_seconds: number;
  /** Arrival to the batch's call, in ms; null when the caller did not measure it. */
  elapsed_ms: number | null;
}

export interface IngestResult {
  event_id: string;
  duplicate: boolean;
  deliveries: CreatedDelivery[];
}

/** An event's deliveries summed up (dead, else pending, else delivered; none without any). */
export type EventStatus = "none" | "pending" | "delivered" | "dead";
/** The list also filters by arrival: sent once (accepted) or repeated by the provider (duplicate). */
export type EventStatusFilter = EventStatus | "accepted" | "duplicate";

export interface EventSummary {
  id: string;
  provider: string;
  event_type: string | null;
  dedup_key: string;
  verified: boolean;
  received_at: string;
  ack_ms: number | null;
  duplicates: number;
  status: EventStatus;
  deliveries: number;
}

export interface EventSummaryPage {
  items: EventSummary[];
  more: boolean;
}

export interface EventDetail extends Omit<EventSummary, "status" | "deliveries"> {
  source: string;
  headers: Record<string, string>;
  payload: unknown;
  /** Why payload is null although the body parsed (jsonb could not hold it). */
  payload_error: string | null;
  body_bytes: number;
  body_base64: string;
  deliveries: {
    id: number;
    destination: string;
    status: string;
    attempts: number;
    next_attempt_at: string;
    last_status: number | null;
    last_error_class: string | null;
    last_error: string | null;
    delivered_at: string | null;
    dead_at: string | null;
    replays: number;
    created_at: string;
    log: {
      attempt: number;
      attempted_at: string;
      duration_ms: number;
      outcome: string;
      status: number | null;
      error_class: string | null;
      error: string | null;
      response: string | null;
    }[];
  }[];
}

// ---- deliveries (20261122000100_delivery.sql)

/** A claimed delivery as the SQL function answers it (the body in base64). */
export interface ClaimedRow {
  id: number;
  destination: string;
  attempt: number;
  /** Attempts made before the delivery's last replay (0 if never replayed). */
  attempts_before_replay?: number;
  event: {
    id: string;
    provider: string;
    type: string | null;
    body: string;
    payload: unknown;
    headers: Record<string, string> | null;
    received_at: string;
  };
}

export type RecordedOutcome = "delivered" | "retry" | "dead" | "deferred";

export interface AttemptRecord {
  id: number;
  attempt: number;
  outcome: RecordedOutcome;
  /** For retry and deferred. */
  next_attempt_at?: string;
  attempted_at: string;
  duration_ms: number;
  status?: number | null;
  error_class?: string | null;
  error?: string | null;
  response?: string | null;
}

export interface RecordedAttempts {
  recorded: number[];
  /** Those another worker has overtaken: nothing was written for them. */
  stale: number[];
}

export interface DeadLetter {
  id: number;
  destination: string;
  event_id: string;
  provider: string;
  event_type: string | null;
  received_at: string;
  dead_at: string;
  attempts: number;
  replays: number;
  last_status: number | null;
  last_error_class: string | null;
  last_error: string | null;
}

export interface DeadLetterPage {
  items: DeadLetter[];
  /** Pass as `beforeId` for the next page; null on the last. */
  next_before_id: number | null;
}

export interface DeliveryDetail {
  id: number;
  destination: string;
  status: "pending" | "in_flight" | "delivered" | "dead";
  attempts: number;
  next_attempt_at: string;
  last_status: number | null;
  last_error: string | null;
  last_error_class: string | null;
  delivered_at: string | null;
  dead_at: string | null;
  replays: number;
  created_at: string;
  event: {
    id: string;
    provider: string;
    type: string | null;
    verified: boolean;
    received_at: string;
    body: string;
    payload: unknown;
    headers: Record<string, string>;
  };
  log: {
    attempt: number;
    attempted_at: string;
    duration_ms: number;
    outcome: "delivered" | "retry" | "dead";
    status: number | null;
    error_class: string | null;
    error: string | null;
    response: string | null;
  }[];
}

export interface ReplayResult {
  dry_run: boolean;
  matched: number;
  replayed: number;
}

// ---- console (20261201000100_console.sql)

/** Retry now: how many pending deliveries matched, and how many were made due. */
export interface RetryNowResult {
  dry_run: boolean;
  matched: number;
  retried: number;
}

// ---- rejections (20261122000200_rejections.sql)

export interface RecordedRejection {
  id: number;
  received_at: string;
  provider: string;
  reason: string;
  status: number;
  client_ip: string;
  headers: Record<string, string>;
  body_prefix_base64: string;
  body_bytes: number | null;
}

// ---- ClickUp routing (20261122000300_clickup_routing.sql)

export interface DirectoryRow {
  customers: { name: string; vip: boolean; cx_owner_id: number | string | null }[];
  markets: { name: string; ops_owner_id: number | string | null }[];
}

/** One rule's reason for a routing decision, as recorded (lib/destinations/clickup/rules.ts decides it). */
export interface RecordedReason {
  rule: "cx" | "ops";
  branch: string;
  action: { assign: number } | { tag: string };
  text: string;
  applied: boolean;
  customer?: string | null;
  market?: string | null;
}

export interface RecordedDecision {
  event_id: string;
  event_type: string | null;
  task_id: string;
  list_id: string | null;
  customer: string | null;
  market: string | null;
  assignees: number[];
  tags: string[];
  reasons: RecordedReason[];
  attempt: number;
  decided_at: string;
  delivery_id: number | null;
  delivery_status: string | null;
}

// ---- operations (20261122000400_operations.sql)

/** Counts over the last 15 minutes and the last 24 hours. */
export interface Windowed {
  last_15m: number;
  last_24h: number;
}

export interface StoreMetrics {
  now: string;
  /**
   * outcome: accepted | duplicate | rejected:<reason> (rejections are sampled: a lower bound).
   * Duplicates count when they arrived, to the minute; accepted events when they were received.
   */
  events: (Windowed & { provider: string; outcome: string })[];
  latency: {
    count: number;
    sum_ms: number;
    /** Cumulative: events acknowledged within le_ms. */
    buckets: { le_ms: number; count: number }[];
    p50_ms: number | null;
    p95_ms: number | null;
    p99_ms: number | null;
    p95_15m_ms: number | null;
  };
  deliveries: { destination: string; status: string; count: number }[];
  attempts: (Windowed & { destination: string; outcome: string })[];
  success: { last_15m: { attempts: number; delivered: number }; last_24h: { attempts: number; delivered: number } };
  dead_letters: number;
  oldest_pending_seconds: number | null;
  /** hour 0 is the latest hour. */
  hourly: { provider: string; hour: number; events: number; attempts: number; delivered: number }[];
}

export interface WeekFigures {
  since: string;
  until: string;
  events: number;
  /** Repeats acknowledged as duplicates in the week, counted when they arrived. */
  duplicates: number;
  p95_ms: number | null;
  attempts: number;
  delivered: number;
  dead_lettered: number;
  top_failing: { destination: string; failed: number; attempts: number }[];
}

export interface StoreReport {
  this_week: WeekFigures;
  last_week: WeekFigures;
}

export interface CleanupBatch {
  events: number;
  deliveries: number;
  attempts: number;
  /** The batch was full: more may be waiting. */
  more: boolean;
}

// ---- signing keys (20261201000300_signing_keys.sql)

export type SigningKeyState = "next" | "current" | "retired" | "revoked";

/** A signing key as the admin API shows it: everything but the private key. */
export interface SigningKeyRow {
  kid: string;
  state: SigningKeyState;
  /** The public JWK: `{kty: "OKP", crv: "Ed25519", x}`. */
  public_jwk: { kty: string; crv: string; x: string };
  created_at: string;
  activated_at: string | null;
  retired_at: string | null;
  revoked_at: string | null;
}

/** A stored key with its encrypted private key (lib/signing/key-encryption.ts). */
export interface StoredSigningKey extends SigningKeyRow {
  private_key: string;
}

export type SigningKeyAdded = { ok: true; key: SigningKeyRow } | { ok: false; reason: "next_exists"; kid: string };

export type SigningKeyRotated =
  | { ok: true; current: string; retired: string | null }
  | { ok: false; reason: "no_next" }
  | { ok: false; reason: "too_new"; kid: string; ready_at: string };

export type SigningKeyStateSet =
  | { ok: true; previous_state: SigningKeyState; key: SigningKeyRow }
  | { ok: false; reason: "not_found" | `already_${SigningKeyState}` };
// ---- WhatsApp onboarding (20261201000200_whatsapp_onboarding.sql)

export type WhatsappChannel = "whatsapp" | "sms";

/** A user's row as the store keeps it. */
export interface WhatsappUserRow {
  id: string;
  phone: string;
  channel: WhatsappChannel;
  profile_name: string | null;
  wa_id: string | null;
  preferences: Record<string, string>;
  verified_at: string | null;
  opted_out_at: string | null;
  version: number;
  created_at: string;
  updated_at: string;
}

export type WhatsappCodeState = "pending" | "verified" | "void";

export interface WhatsappCodeRow {
  challenge_id: string;
  /** HMAC of the code (lib/destinations/whatsapp/code.ts); the code itself is kept nowhere. */
  code_hash: string;
  issued_at: string;
  expires_at: string;
  wrong_attempts: number;
  state: WhatsappCodeState;
}

export interface WhatsappSnapshot {
  /** The outcome recorded when this inbound event was handled before; null the first time. */
  handled: string | null;
  user: WhatsappUserRow | null;
  code: WhatsappCodeRow | null;
  issued_last_minute: number;
  issued_last_hour: number;
}

/** An outbox event: hookgate_ingest's arguments without `p_` (source and provider are `hookgate`). */
export interface OutboxItem {
  dedup_key: string;
  event_type: string;
  body_base64: string;
  payload: unknown;
  destinations: readonly string[];
  lease_seconds: number;
}

export interface WhatsappApplyResult {
  applied: boolean;
  /** The inbound event was handled already (by an attempt that overtook this one). */
  handled: boolean;
  outbox?: IngestResult[];
}

export interface WhatsappRecipient {
  phone: string;
  opted_out: boolean;
  sent: { sid: string; status: string | null } | null;
  /** An earlier attempt began this send: its answer may have been lost, so ask Twilio first. */
  began_before: boolean;
}

/** A user as operators see it: no code, no hash; the code's state only. */
export interface WhatsappUserView extends Omit<WhatsappUserRow, "version"> {
  verified: boolean;
  opted_out: boolean;
  code:
    | { state: "none" }
    | {
        state: WhatsappCodeState | "expired";
        issued_at: string;
        expires_at: string;
        wrong_attempts: number;
      };
  messages_sent: number;
}

export interface WhatsappMetrics {
  registrations: number;
  otp_sent: number;
  otp_verified: number;
  otp_failed: number;
  users: number;
  verified_users: number;
}
