// When a ClickUp webhook is routed at all. This is the route predicate, decided at
// ingest from the payload alone, so an event it refuses gets no delivery: it is
// recorded and goes nowhere.
//
// Loop safety: hookgate's own changes (assignees, tags) make ClickUp send
// taskAssigneeUpdated, taskTagUpdated and taskUpdated again. Only a task's creation,
// its move into a routed list from outside them, or an update whose history items
// change the Customer or Market field, is routed, so those echoes never start a second
// round.
//
// taskMoved carries one history item with field "section_moved" whose `before` and
// `after` are the lists (`{id, name, category, project}`) and whose parent_id is the
// new list. A ticket moved in from a triage list is new to the routed lists, so it is
// routed as if created there; a move out of them, or between two of them (it was
// routed when it first came in), is not.
// https://developer.clickup.com/docs/webhooktaskpayloads
import * as z from "../../config/zod.js";
import type { Rule } from "./rules.js";
import type { ClickUpRoutingSettings } from "./settings.js";
import { matchesField } from "./task.js";

/** An id ClickUp sends as a string or a number, as text. */
const idText = z.pipe(z.union([z.string(), z.number()]), z.transform(String));

const ListRef = z.looseObject({ id: idText });

const HistoryItem = z.looseObject({
  field: z.optional(z.string()),
  before: z.optional(z.unknown()),
  after: z.optional(z.unknown()),
  // The list the task is in (ClickUp: "parent_id refers to the List ID").
  parent_id: z.optional(idText),
  custom_field: z.optional(z.looseObject({ id: z.optional(z.string()), name: z.optional(z.string()) })),
});

const TaskWebhook = z.looseObject({
  event: z.string(),
  task_id: z.string().check(z.minLength(1)),
  history_items: z._default(z.array(HistoryItem), []),
  // Some task webhooks name the list at the top level too.
  list_id: z.optional(idText),
});

const ROUTED_EVENTS = new Set(["taskCreated", "taskUpdated", "taskMoved"]);

export type Trigger =
  /** `rules`: whose decision to apply (both on creation; on an update, those whose field changed). */
  | { route: true; why: "task_created" | "task_moved_in" | "routing_field_changed"; rules: Rule[] }
  | {
      route: false;
      why:
        | "routing_off"
        | "not_a_task_event"
        | "list_not_routed"
        | "no_routing_field_changed"
        | "moved_between_routed_lists";
    };

export function trigger(payload: unknown, settings: ClickUpRoutingSettings): Trigger {
  if (settings.listIds.length === 0) return { route: false, why: "routing_off" };
  const hook = TaskWebhook.safeParse(payload);
  if (!hook.success || !ROUTED_EVENTS.has(hook.data.event)) {
    return { route: false, why: "not_a_task_event" };
  }
  const items = hook.data.history_items;
  if (hook.data.event === "taskMoved") return moved(hook.data, settings);

  // ClickUp names the list on every task history item. Should one ever come without
  // it, the event is routed and the action, which reads the task, checks the list.
  const listIds = items.flatMap((item) => (item.parent_id === undefined ? [] : [item.parent_id]));
  if (listIds.length > 0 && !listIds.some((id) => settings.listIds.includes(id))) {
    return { route: false, why: "list_not_routed" };
  }

  if (hook.data.event === "taskCreated") return { route: true, why: "task_created", rules: ["cx", "ops"] };
  const changed = (name: string) =>
    items.some(
      (item) =>
        item.field === "custom_field" && item.custom_field !== undefined && matchesField(item.custom_field, name),
    );
  const rules: Rule[] = [];
  if (changed(settings.fields.customer)) rules.push("cx");
  if (changed(settings.fields.market)) rules.push("ops");
  return rules.length > 0
    ? { route: true, why: "routing_field_changed", rules }
    : { route: false, why: "no_routing_field_changed" };
}

/** A move routes only when it brings the task into the routed lists from outside them. */
function moved(hook: z.infer<typeof TaskWebhook>, settings: ClickUpRoutingSettings): Trigger {
  const routed = (id: string | undefined) => id !== undefined && settings.listIds.includes(id);
  const move = hook.history_items.find((item) => item.field === "section_moved");
  const listOf = (value: unknown) => {
    const list = ListRef.safeParse(value);
    return list.success ? list.data.id : undefined;
  };
  const to = listOf(move?.after) ?? move?.parent_id ?? hook.list_id;
  // Unknown destination: routed, and the action, which reads the task, checks its list.
  if (to !== undefined && !routed(to)) return { route: false, why: "list_not_routed" };
  if (routed(listOf(move?.before))) return { route: false, why: "moved_between_routed_lists" };
  return { route: true, why: "task_moved_in", rules: ["cx", "ops"] };
}

/** The route predicate: `when` of the ClickUp router's route (hookgate.routes.ts). */
export function routesTicket(settings: ClickUpRoutingSettings): (payload: unknown) => boolean {
  return (payload) => trigger(payload, settings).route;
}
