// The router's store calls: each one SQL function
// (supabase/migrations/20261122000300_clickup_routing.sql) through the Rpc port.
import type { Rpc } from "./port.js";
import type { Decision, Directory, TaskFacts } from "../destinations/clickup/rules.js";

interface LookupRow {
  customers: { name: string; vip: boolean; cx_owner_id: number | string | null }[];
  markets: { name: string; ops_owner_id: number | string | null }[];
}

/** The directory entries for a task's customer and market (at most one each). */
export async function lookupDirectory(rpc: Rpc, facts: TaskFacts): Promise<Directory> {
  const row = await rpc.call<LookupRow>("hookgate_clickup_directory_lookup", {
    p_customer: facts.customer,
    p_market: facts.market,
  });
  return {
    customers: row.customers.map((c) => ({ name: c.name, vip: c.vip, cxOwner: userId(c.cx_owner_id) })),
    markets: row.markets.map((m) => ({ name: m.name, opsOwner: userId(m.ops_owner_id) })),
  };
}

export interface DecisionRecord {
  eventId: string;
  deliveryId: number;
  taskId: string;
  listId: string | null;
  facts: TaskFacts;
  decision: Decision;
  attempt: number;
}

export async function recordDecision(rpc: Rpc, record: DecisionRecord): Promise<void> {
  await rpc.call("hookgate_clickup_record_decision", {
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
  reasons: Decision["reasons"];
  attempt: number;
  decided_at: string;
  delivery_id: number | null;
  delivery_status: string | null;
}

/** The decisions taken for a task, newest first (or for one event). */
export function routingDecisions(
  rpc: Rpc,
  query: { taskId?: string; eventId?: string; limit?: number },
): Promise<RecordedDecision[]> {
  return rpc.call<RecordedDecision[]>("hookgate_clickup_routing_decisions", {
    p_task_id: query.taskId ?? null,
    p_event_id: query.eventId ?? null,
    p_limit: query.limit ?? 20,
  });
}

// bigint may come back as a string from some drivers.
function userId(value: number | string | null): number | null {
  return value === null ? null : Number(value);
}
