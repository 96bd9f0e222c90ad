// The ClickUp router's store calls: the directory it decides with, and the decisions
// it records. Each one SQL function of
// supabase/migrations/20261122000300_clickup_routing.sql.
import type { StoreCall } from "./functions.js";
import type { RecordedDecision, RecordedReason } from "./rows.js";

export type { RecordedDecision, RecordedReason } from "./rows.js";

/** The names a task is routed by: the values of its Customer and Market fields. */
export interface DirectoryQuery {
  customer: string | null;
  market: string | null;
}

/** The directory entries for a task's customer and market (at most one each). */
export interface DirectoryEntries {
  customers: { name: string; vip: boolean; cxOwner: number | null }[];
  markets: { name: string; opsOwner: number | null }[];
}

export interface DecisionRecord {
  eventId: string;
  deliveryId: number;
  taskId: string;
  listId: string | null;
  facts: DirectoryQuery;
  decision: { assignees: readonly number[]; tags: readonly string[]; reasons: readonly RecordedReason[] };
  attempt: number;
}

export interface ClickupDirectoryStore {
  lookupDirectory(facts: DirectoryQuery): Promise<DirectoryEntries>;
  /** One decision per event: a retry's decision replaces the one before. */
  recordDecision(record: DecisionRecord): Promise<void>;
  /** The decisions taken for a task, newest first (or for one event). */
  routingDecisions(query: { taskId?: string; eventId?: string; limit?: number }): Promise<RecordedDecision[]>;
}

export function clickupDirectoryStore(call: StoreCall): ClickupDirectoryStore {
  return {
    async lookupDirectory(facts) {
      const row = await call("hookgate_clickup_directory_lookup", {
        p_customer: facts.customer,
        p_market: facts.market,
      });
      return {
        customers: row.customers.map((c) => ({ name: c.name, vip: c.vip, cxOwner: userId(c.cx_owner_id) })),
        markets: row.markets.map((m) => ({ name: m.name, opsOwner: userId(m.ops_owner_id) })),
      };
    },
    async recordDecision(record) {
      await call("hookgate_clickup_record_decision", {
        p_event_id: record.eventId,
        p_delivery_id: record.deliveryId,
        p_task_id: record.taskId,
        p_list_id: record.listId,
        p_customer: record.facts.customer,
        p_market: record.facts.market,
        p_assignees: record.decision.assignees,
        p_tags: record.decision.tags,
        p_reasons: record.decision.reasons,
        p_attempt: record.attempt,
      });
    },
    routingDecisions: (query) =>
      call("hookgate_clickup_routing_decisions", {
        p_task_id: query.taskId ?? null,
        p_event_id: query.eventId ?? null,
        p_limit: query.limit ?? 20,
      }),
  };
}

// bigint may come back as a string from some drivers.
function userId(value: number | string | null): number | null {
  return value === null ? null : Number(value);
}
