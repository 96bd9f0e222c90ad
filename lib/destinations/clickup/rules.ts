// The ticket routing rules, as one pure decision: who owns a ClickUp task for CX and
// for Ops, and which "Needs ... Routing" tags it gets when the directory cannot say.
// A function of the task's facts and the directory, so every branch is a table test,
// and the reasons it returns are what the audit table stores.

/** A ClickUp user id (a number in ClickUp's API: `assignees[].id`). */
export type UserId = number;

export interface Customer {
  name: string;
  vip: boolean;
  cxOwner: UserId | null;
}

export interface Market {
  name: string;
  opsOwner: UserId | null;
}

/** The directory entries a decision may use: all of them, or only those that match the task. */
export interface Directory {
  customers: readonly Customer[];
  markets: readonly Market[];
}

/** What the rules read from a task: the values of its Customer and Market fields. */
export interface TaskFacts {
  customer: string | null;
  market: string | null;
}

export const NEEDS_CX_ROUTING = "Needs CX Routing";
export const NEEDS_OPS_ROUTING = "Needs Ops Routing";

export type CxBranch =
  | "vip_customer_owner" // 1. VIP customer with a CX owner → assign the owner
  | "customer_owner" // 2. standard customer with a CX owner → assign the owner
  | "customer_without_owner" // 3. customer in the directory without a CX owner → tag
  | "customer_not_in_directory" // 3. the task names a customer the directory does not know → tag
  | "no_customer"; // 4. no customer on the task → tag

export type OpsBranch =
  | "market_owner" // 1. market identified → assign its primary Ops owner
  | "no_market" // 2. no market on the task → tag
  | "market_without_owner" // 3. market in the directory without an owner → tag
  | "market_not_in_directory"; // 3. the task names a market the directory does not know → tag

export type RoutingAction = { assign: UserId } | { tag: string };

export type Rule = "cx" | "ops";
export const BOTH_RULES: readonly Rule[] = ["cx", "ops"];

interface ReasonBase {
  action: RoutingAction;
  text: string;
  /** False when this routing applies only the other rule (an update that changed only the other field). */
  applied: boolean;
}
export type Reason =
  | (ReasonBase & { rule: "cx"; branch: CxBranch; customer: string | null })
  | (ReasonBase & { rule: "ops"; branch: OpsBranch; market: string | null });

export interface Decision {
  /** Users to add, once each (the CX and Ops owner may be the same person). */
  assignees: UserId[];
  /** Tags to add, once each. */
  tags: string[];
  /** One reason per rule, CX first: why each assignee or tag is there. */
  reasons: [Reason & { rule: "cx" }, Reason & { rule: "ops" }];
}

/**
 * Decides both rules; `apply` says whose actions this routing carries out. A new
 * ticket gets both; an update gets only the rule whose field changed, so a CX owner a
 * person removed is not put back because someone later set the market.
 */
export function decide(task: TaskFacts, directory: Directory, apply: readonly Rule[] = BOTH_RULES): Decision {
  const cx = { ...decideCx(task.customer, directory), applied: apply.includes("cx") };
  const ops = { ...decideOps(task.market, directory), applied: apply.includes("ops") };
  const assignees: UserId[] = [];
  const tags: string[] = [];
  for (const { action, applied } of [cx, ops]) {
    if (!applied) continue;
    if ("assign" in action) {
      if (!assignees.includes(action.assign)) assignees.push(action.assign);
    } else if (!tags.includes(action.tag)) {
      tags.push(action.tag);
    }
  }
  return { assignees, tags, reasons: [cx, ops] };
}

function decideCx(name: string | null, directory: Directory): Omit<Reason & { rule: "cx" }, "applied"> {
  const reason = (branch: CxBranch, action: RoutingAction, text: string) =>
    ({ rule: "cx", branch, action, customer: name, text }) as const;
  const needsRouting = { tag: NEEDS_CX_ROUTING };
  if (name === null) return reason("no_customer", needsRouting, "no customer on the task");
  const customer = find(directory.customers, name);
  if (!customer) return reason("customer_not_in_directory", needsRouting, `customer "${name}" is not in the directory`);
  if (customer.cxOwner === null) {
    return reason("customer_without_owner", needsRouting, `customer "${customer.name}" has no CX owner`);
  }
  return customer.vip
    ? reason("vip_customer_owner", { assign: customer.cxOwner }, `VIP customer "${customer.name}": its CX owner`)
    : reason("customer_owner", { assign: customer.cxOwner }, `customer "${customer.name}": its CX owner`);
}

function decideOps(name: string | null, directory: Directory): Omit<Reason & { rule: "ops" }, "applied"> {
  const reason = (branch: OpsBranch, action: RoutingAction, text: string) =>
    ({ rule: "ops", branch, action, market: name, text }) as const;
  const needsRouting = { tag: NEEDS_OPS_ROUTING };
  if (name === null) return reason("no_market", needsRouting, "no market on the task");
  const market = find(directory.markets, name);
  if (!market) return reason("market_not_in_directory", needsRouting, `market "${name}" is not in the directory`);
  if (market.opsOwner === null) {
    return reason("market_without_owner", needsRouting, `market "${market.name}" has no primary Ops owner`);
  }
  return reason("market_owner", { assign: market.opsOwner }, `market "${market.name}": its primary Ops owner`);
}

/**
 * Directory names match the task's field value ignoring case and surrounding or
 * repeated spaces, as the directory table's unique key does (`lower(btrim(...))`).
 */
export function directoryKey(name: string): string {
  return name.trim().replace(/\s+/g, " ").toLowerCase();
}

function find<T extends { name: string }>(entries: readonly T[], name: string): T | undefined {
  const key = directoryKey(name);
  return entries.find((entry) => directoryKey(entry.name) === key);
}
