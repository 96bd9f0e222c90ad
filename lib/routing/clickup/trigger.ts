// When a ClickUp webhook is routed at all. This is the route predicate, decided at
// ingest from the payload alone, so an event it refuses gets no delivery: it is
// recorded and goes nowhere.
//
// Loop safety: hookgate's own changes (assignees, tags) make ClickUp send
// taskAssigneeUpdated, taskTagUpdated and taskUpdated again. Only a task's creation,
// or an update whose history items change the Customer or Market field, is routed, so
// those echoes never start a second round.
// https://developer.clickup.com/docs/webhooktaskpayloads
import { z } from "zod";
import type { Rule } from "./rules.js";
import type { ClickUpRoutingSettings } from "./settings.js";
import { matchesField } from "./task.js";

const HistoryItem = z.looseObject({
  field: z.string().optional(),
  // The list the task is in (ClickUp: "parent_id refers to the List ID").
  parent_id: z.union([z.string(), z.number()]).transform(String).optional(),
  custom_field: z.looseObject({ id: z.string().optional(), name: z.string().optional() }).optional(),
});

const TaskWebhook = z.looseObject({
  event: z.string(),
  task_id: z.string().min(1),
  history_items: z.array(HistoryItem).default([]),
});

export type Trigger =
  /** `rules`: whose decision to apply (both on creation; on an update, those whose field changed). */
  | { route: true; why: "task_created" | "routing_field_changed"; rules: Rule[] }
  | {
      route: false;
      why: "routing_off" | "not_a_task_event" | "list_not_routed" | "no_routing_field_changed";
    };

export function trigger(payload: unknown, settings: ClickUpRoutingSettings): Trigger {
  if (settings.listIds.length === 0) return { route: false, why: "routing_off" };
  const hook = TaskWebhook.safeParse(payload);
  if (!hook.success || (hook.data.event !== "taskCreated" && hook.data.event !== "taskUpdated")) {
    return { route: false, why: "not_a_task_event" };
  }
  const items = hook.data.history_items;

  // ClickUp names the list on every task history item. Should one ever come without
  // it, the event is routed and the action, which reads the task, checks the list.
  const listIds = items.flatMap((item) => (item.parent_id === undefined ? [] : [item.parent_id]));
  if (listIds.length > 0 && !listIds.some((id) => settings.listIds.includes(id))) {
    return { route: false, why: "list_not_routed" };
  }

  if (hook.data.event === "taskCreated") return { route: true, why: "task_created", rules: ["cx", "ops"] };
  const changed = (name: string) =>
    items.some((item) => item.field === "custom_field" && item.custom_field !== undefined && matchesField(item.custom_field, name));
  const rules: Rule[] = [];
  if (changed(settings.fields.customer)) rules.push("cx");
  if (changed(settings.fields.market)) rules.push("ops");
  return rules.length > 0 ? { route: true, why: "routing_field_changed", rules } : { route: false, why: "no_routing_field_changed" };
}

/** The route predicate: `when` of the ClickUp router's route (hookgate.routes.ts). */
export function routesTicket(settings: ClickUpRoutingSettings): (payload: unknown) => boolean {
  return (payload) => trigger(payload, settings).route;
}
