// The ClickUp ticket router as a built-in delivery destination: read the task, decide
// with the directory, record the decision with the event, then add what is missing.
//
// Idempotent by construction. The task is read first and only the assignees and tags
// it lacks are added; adding never removes, so whatever a human set stays. ClickUp's
// own add semantics are set-like as well (an assignee or tag added twice is there
// once), so even a retry racing a human edit cannot double-assign. A retry after a
// partial failure (assignees added, tag call failed) reads the task again and sends
// only the tag; a replay of a routing that completed sends nothing at all.
import * as z from "../../config/zod.js";
import type { ActionContext, ActionDestination, AttemptOutcome, DeliveryEvent } from "../contract.js";
import { clickupApi, type ClickUpApi } from "./api.js";
import { BOTH_RULES, decide } from "./rules.js";
import type { ClickUpRoutingSettings } from "./settings.js";
import type { ClickupDirectoryStore } from "../../store/clickup-directory.js";
import { ClickUpTask, currentAssignees, hasTag, taskFacts } from "./task.js";
import { trigger } from "./trigger.js";

export const CLICKUP_ROUTER = "clickup-router";

const RoutedWebhook = z.looseObject({
  task_id: z.string().check(z.minLength(1)),
  history_items: z._default(
    z.array(z.looseObject({ parent_id: z.optional(z.pipe(z.union([z.string(), z.number()]), z.transform(String))) })),
    [],
  ),
  // ClickUp's own task webhooks carry no task; a relay (or an Automation) may embed one.
  task: z.optional(z.unknown()),
});

/** What the router uses: the store's directory and decision log, and its settings. */
export interface ClickUpRouterParts {
  directory: ClickupDirectoryStore;
  settings: ClickUpRoutingSettings;
}

export function clickupRouter(parts: ClickUpRouterParts): ActionDestination {
  return {
    kind: "action",
    name: CLICKUP_ROUTER,
    run: (event, context) => route(parts, event, context),
  };
}

async function route(
  { directory, settings }: ClickUpRouterParts,
  event: DeliveryEvent,
  { deliveryId, attempt, signal }: ActionContext,
): Promise<AttemptOutcome> {
  const hook = RoutedWebhook.safeParse(event.payload);
  if (!hook.success) {
    return { kind: "dead", error: "not a ClickUp task webhook: no task_id", errorClass: "clickup_bad_event" };
  }
  const taskId = hook.data.task_id;
  const api = clickupApi(settings.api);

  const task = await currentTask(api, taskId, hook.data.task, signal);
  if (!task.ok) return task.failure;

  const listId = task.value.list?.id ?? hook.data.history_items.find((i) => i.parent_id)?.parent_id ?? null;
  if (listId !== null && !settings.listIds.includes(listId)) {
    // The task left the routed lists between the webhook and this attempt.
    return { kind: "delivered", response: JSON.stringify({ routed: false, task_id: taskId, list_id: listId }) };
  }

  // The route's trigger says which rules this event applies (an update: the changed field's).
  const triggered = trigger(event.payload, settings);
  const facts = taskFacts(task.value, settings.fields);
  const decision = decide(
    facts,
    await directory.lookupDirectory(facts),
    triggered.route ? triggered.rules : BOTH_RULES,
  );
  await directory.recordDecision({ eventId: event.id, deliveryId, taskId, listId, facts, decision, attempt });

  const present = currentAssignees(task.value);
  const assign = decision.assignees.filter((id) => !present.includes(id));
  const tag = decision.tags.filter((name) => !hasTag(task.value, name));

  if (assign.length > 0) {
    const added = await api.addAssignees(taskId, assign, signal);
    if (!added.ok) return added.failure;
  }
  for (const name of tag) {
    const added = await api.addTag(taskId, name, signal);
    if (!added.ok) return added.failure;
  }
  return {
    kind: "delivered",
    response: JSON.stringify({
      routed: true,
      task_id: taskId,
      assigned: assign,
      tagged: tag,
      already: {
        assignees: decision.assignees.filter((id) => !assign.includes(id)),
        tags: decision.tags.filter((name) => !tag.includes(name)),
      },
    }),
  };
}

/** The task from the payload when it carries one with its custom fields, else from the API. */
async function currentTask(api: ClickUpApi, taskId: string, embedded: unknown, signal: AbortSignal) {
  const carried = ClickUpTask.safeParse(embedded);
  if (carried.success && carried.data.id === taskId && hasCustomFields(embedded)) {
    return { ok: true as const, value: carried.data };
  }
  return api.getTask(taskId, signal);
}

function hasCustomFields(value: unknown): boolean {
  return Array.isArray((value as { custom_fields?: unknown } | null)?.custom_fields);
}
