// Every SQL function the code calls, in one typed table: its argument names with their
// SQL and TypeScript types, and the jsonb it answers. A call is checked against it at
// compile time (function name, every argument, each value's type), its statement is
// built once, and tests/store/functions.test.ts checks the table against pg_proc.
import { sqlFunction, type Rpc, type SqlFunction } from "./port.js";
import type {
  AttemptRecord,
  CleanupBatch,
  ClaimedRow,
  DeadLetterPage,
  DeliveryDetail,
  DirectoryRow,
  EventDetail,
  EventSummaryPage,
  IngestItem,
  IngestResult,
  RecordedAttempts,
  RecordedDecision,
  RecordedReason,
  RecordedRejection,
  ReplayResult,
  RetryNowResult,
  SigningKeyAdded,
  SigningKeyRotated,
  SigningKeyStateSet,
  StoreMetrics,
  StoredSigningKey,
  StoreReport,
  OutboxItem,
  WhatsappApplyResult,
  WhatsappMetrics,
  WhatsappRecipient,
  WhatsappSnapshot,
  WhatsappUserView,
} from "./rows.js";

/** The SQL types of the arguments, as `format_type` names them (timestamptz in short). */
export type SqlType = "text" | "uuid" | "timestamptz" | "integer" | "bigint" | "boolean" | "jsonb";

/** An argument: its SQL type, and (in the type only) the TypeScript value it takes. */
interface Arg<T> {
  readonly sql: SqlType;
  readonly value?: T;
}

const text: Arg<string> = { sql: "text" };
const uuid: Arg<string> = { sql: "uuid" };
/** An ISO 8601 time with its offset (`Date.toISOString()`, or a time the store wrote). */
const timestamptz: Arg<string> = { sql: "timestamptz" };
const integer: Arg<number> = { sql: "integer" };
const bigint: Arg<number> = { sql: "bigint" };
const boolean: Arg<boolean> = { sql: "boolean" };
const jsonb = <T>(): Arg<T> => ({ sql: "jsonb" });
/** The argument may be SQL null (for most: "no filter", or the function's default). */
const orNull = <T>(arg: Arg<T>): Arg<T | null> => arg;

type Args = Record<string, Arg<unknown>>;

interface Spec<A extends Args, R> {
  readonly args: A;
  readonly result?: R;
}

function fn<A extends Args>(args: A): { returns<R>(): Spec<A, R> } {
  return { returns: () => ({ args }) };
}

export const STORE_FUNCTIONS = {
  // events
  hookgate_ingest: fn({
    p_source: text,
    p_provider: text,
    p_dedup_key: text,
    p_event_type: orNull(text),
    p_verified: boolean,
    p_body_base64: text,
    p_payload: jsonb<unknown>(),
    p_payload_error: orNull(text),
    p_headers: jsonb<Record<string, string>>(),
    p_destinations: jsonb<readonly string[]>(),
    p_lease_seconds: integer,
    p_elapsed_ms: orNull(integer),
  }).returns<IngestResult>(),
  // Group commit (lib/store/group-commit.ts): hookgate_ingest for each item, in one transaction.
  hookgate_ingest_batch: fn({ p_items: jsonb<readonly IngestItem[]>() }).returns<IngestResult[]>(),
  hookgate_ping: fn({}).returns<{ ok: boolean }>(),
  hookgate_list_events: fn({
    p_provider: orNull(text),
    p_event_type: orNull(text),
    p_status: orNull(text),
    p_dedup_key: orNull(text),
    p_search: orNull(text),
    p_since: orNull(timestamptz),
    p_until: orNull(timestamptz),
    p_limit: integer,
    p_before_received: orNull(timestamptz),
    p_before_id: orNull(uuid),
  }).returns<EventSummaryPage>(),
  hookgate_get_event: fn({ p_id: uuid }).returns<EventDetail | null>(),

  // deliveries
  hookgate_claim_deliveries: fn({
    p_limit: integer,
    p_lease_seconds: integer,
    p_destinations: orNull(jsonb<readonly string[]>()),
    p_now: orNull(timestamptz),
  }).returns<ClaimedRow[] | null>(),
  hookgate_record_attempts: fn({ p_results: jsonb<readonly AttemptRecord[]>() }).returns<RecordedAttempts>(),
  hookgate_get_delivery: fn({ p_id: bigint }).returns<DeliveryDetail | null>(),
  hookgate_list_dead_letters: fn({
    p_destination: orNull(text),
    p_provider: orNull(text),
    p_event_type: orNull(text),
    p_since: orNull(timestamptz),
    p_until: orNull(timestamptz),
    p_limit: integer,
    p_before_id: orNull(bigint),
  }).returns<DeadLetterPage>(),
  hookgate_replay: fn({
    p_id: orNull(bigint),
    p_destination: orNull(text),
    p_provider: orNull(text),
    p_event_type: orNull(text),
    p_since: orNull(timestamptz),
    p_until: orNull(timestamptz),
    p_dry_run: boolean,
    p_now: orNull(timestamptz),
    p_limit: orNull(integer),
  }).returns<ReplayResult>(),
  hookgate_retry_now: fn({
    p_id: orNull(bigint),
    p_destination: orNull(text),
    p_provider: orNull(text),
    p_event_type: orNull(text),
    p_since: orNull(timestamptz),
    p_until: orNull(timestamptz),
    p_dry_run: boolean,
    p_now: orNull(timestamptz),
    p_limit: orNull(integer),
  }).returns<RetryNowResult>(),

  // rejections
  hookgate_record_rejection: fn({
    p_provider: text,
    p_reason: text,
    p_status: integer,
    p_client_ip: text,
    p_headers: jsonb<Record<string, string>>(),
    p_body_prefix_base64: text,
    p_body_bytes: orNull(integer),
    p_retention_seconds: integer,
  }).returns<{ id: number }>(),
  hookgate_prune_rejections: fn({ p_retention_seconds: integer, p_batch: integer }).returns<{ deleted: number }>(),
  hookgate_list_rejections: fn({ p_limit: integer, p_before_id: orNull(bigint) }).returns<RecordedRejection[]>(),

  // ClickUp routing
  hookgate_clickup_directory_lookup: fn({ p_customer: orNull(text), p_market: orNull(text) }).returns<DirectoryRow>(),
  hookgate_clickup_record_decision: fn({
    p_event_id: uuid,
    p_delivery_id: orNull(bigint),
    p_task_id: text,
    p_list_id: orNull(text),
    p_customer: orNull(text),
    p_market: orNull(text),
    p_assignees: jsonb<readonly number[]>(),
    p_tags: jsonb<readonly string[]>(),
    p_reasons: jsonb<readonly RecordedReason[]>(),
    p_attempt: integer,
  }).returns<{ event_id: string; decided_at: string }>(),
  hookgate_clickup_routing_decisions: fn({
    p_task_id: orNull(text),
    p_event_id: orNull(uuid),
    p_limit: integer,
  }).returns<RecordedDecision[]>(),

  // signing keys (lib/store/signing-keys.ts)
  hookgate_signing_keys: fn({}).returns<StoredSigningKey[]>(),
  hookgate_signing_key_add: fn({
    p_kid: text,
    p_public_jwk: jsonb<StoredSigningKey["public_jwk"]>(),
    p_private_key: text,
    p_now: orNull(timestamptz),
  }).returns<SigningKeyAdded>(),
  hookgate_signing_key_rotate: fn({
    p_min_published_seconds: integer,
    p_now: orNull(timestamptz),
  }).returns<SigningKeyRotated>(),
  hookgate_signing_key_set_state: fn({
    p_kid: text,
    p_state: text,
    p_now: orNull(timestamptz),
  }).returns<SigningKeyStateSet>(),
  // WhatsApp onboarding
  hookgate_whatsapp_snapshot: fn({
    p_phone: text,
    p_event_id: uuid,
    p_now: orNull(timestamptz),
  }).returns<WhatsappSnapshot>(),
  hookgate_whatsapp_apply: fn({
    p_event_id: uuid,
    p_expected_version: orNull(integer),
    p_user: jsonb<Record<string, unknown>>(),
    p_code: orNull(jsonb<Record<string, unknown>>()),
    p_outbox: jsonb<readonly OutboxItem[]>(),
    p_counters: jsonb<Record<string, number>>(),
    p_outcome: text,
    p_now: orNull(timestamptz),
  }).returns<WhatsappApplyResult>(),
  hookgate_whatsapp_begin_send: fn({
    p_user_id: uuid,
    p_event_id: uuid,
    p_kind: text,
  }).returns<WhatsappRecipient | null>(),
  hookgate_whatsapp_record_send: fn({
    p_event_id: uuid,
    p_user_id: uuid,
    p_kind: text,
    p_sid: text,
    p_status: orNull(text),
  }).returns<{ recorded: boolean }>(),
  hookgate_whatsapp_users: fn({
    p_id: orNull(uuid),
    p_phone: orNull(text),
    p_limit: integer,
    p_now: orNull(timestamptz),
  }).returns<WhatsappUserView[]>(),
  hookgate_whatsapp_set_preferences: fn({
    p_user_id: uuid,
    p_preferences: jsonb<Record<string, string | null>>(),
    p_opted_out: orNull(boolean),
    p_opted_out_events: jsonb<readonly OutboxItem[]>(),
    p_now: orNull(timestamptz),
  }).returns<{ user: WhatsappUserView; published: IngestResult[] } | null>(),
  hookgate_whatsapp_metrics: fn({}).returns<WhatsappMetrics>(),

  // metrics, report, retention
  hookgate_metrics: fn({ p_now: orNull(timestamptz) }).returns<StoreMetrics>(),
  hookgate_report: fn({ p_now: orNull(timestamptz), p_top: integer }).returns<StoreReport>(),
  hookgate_cleanup: fn({
    p_retention_seconds: integer,
    p_dead_seconds: integer,
    p_dedup_seconds: integer,
    p_batch: integer,
    p_now: orNull(timestamptz),
  }).returns<CleanupBatch>(),
} as const;

type Functions = typeof STORE_FUNCTIONS;
export type StoreFunctionName = keyof Functions;

/** The arguments of a function: every one named, each a value of its type. */
export type ArgsOf<F extends StoreFunctionName> = {
  [K in keyof Functions[F]["args"]]: Functions[F]["args"][K] extends Arg<infer T> ? T : never;
};
export type ResultOf<F extends StoreFunctionName> = Functions[F] extends Spec<Args, infer R> ? R : never;

/** A typed call of one function in the table. */
export type StoreCall = <F extends StoreFunctionName>(fn: F, args: ArgsOf<F>) => Promise<ResultOf<F>>;

// Built once, when the module loads.
const STATEMENTS = Object.fromEntries(
  Object.entries(STORE_FUNCTIONS).map(([name, spec]) => [name, sqlFunction(name, Object.keys(spec.args))]),
) as Record<StoreFunctionName, SqlFunction>;

export function storeCall(rpc: Rpc): StoreCall {
  return (name, args) => {
    const fn = STATEMENTS[name];
    const given = args as Record<string, unknown>;
    return rpc.call(
      fn,
      fn.args.map((arg) => given[arg] ?? null),
    );
  };
}
