// A ClickUp task as the routing reads it (API v2 `GET /task/{id}`), and the facts the
// rules need: the values of its Customer and Market custom fields.
// https://developer.clickup.com/reference/gettask
import * as z from "../../config/zod.js";
import type { TaskFacts, UserId } from "./rules.js";

const Option = z.looseObject({
  id: z.optional(z.string()),
  name: z.optional(z.string()),
  label: z.optional(z.string()),
  orderindex: z.optional(z.union([z.number(), z.string()])),
});

const CustomField = z.looseObject({
  id: z.string(),
  name: z.string(),
  type: z.string(),
  type_config: z.optional(z.looseObject({ options: z.optional(z.array(Option)) })),
  value: z.optional(z.unknown()),
});

export const ClickUpTask = z.looseObject({
  id: z.string(),
  list: z.optional(z.looseObject({ id: z.pipe(z.union([z.string(), z.number()]), z.transform(String)) })),
  assignees: z._default(z.array(z.looseObject({ id: z.number() })), []),
  tags: z._default(z.array(z.looseObject({ name: z.string() })), []),
  custom_fields: z._default(z.array(CustomField), []),
});
export type ClickUpTask = z.infer<typeof ClickUpTask>;
type CustomField = z.infer<typeof CustomField>;

/** Which custom fields hold the customer and the market: each a field id or name (any case). */
export interface FieldNames {
  customer: string;
  market: string;
}

export function taskFacts(task: ClickUpTask, fields: FieldNames): TaskFacts {
  return {
    customer: fieldValue(findField(task, fields.customer)),
    market: fieldValue(findField(task, fields.market)),
  };
}

export function currentAssignees(task: ClickUpTask): UserId[] {
  return task.assignees.map((a) => a.id);
}

/** ClickUp keeps tag names in lower case, whatever case they were added in. */
export function hasTag(task: ClickUpTask, tag: string): boolean {
  return task.tags.some((t) => t.name.toLowerCase() === tag.toLowerCase());
}

export function matchesField(field: { id?: string; name?: string }, wanted: string): boolean {
  return field.id === wanted || field.name?.trim().toLowerCase() === wanted.trim().toLowerCase();
}

function findField(task: ClickUpTask, wanted: string): CustomField | undefined {
  return task.custom_fields.find((field) => matchesField(field, wanted));
}

/**
 * The field's value as a name. ClickUp omits `value` when a field is empty; a
 * drop-down holds the chosen option's orderindex (or id), labels hold option ids, a
 * relationship holds task objects. Anything else blank or unreadable counts as absent.
 */
function fieldValue(field: CustomField | undefined): string | null {
  if (!field || field.value === undefined || field.value === null) return null;
  const options = field.type_config?.options ?? [];
  const value = field.value;
  switch (field.type) {
    case "drop_down": {
      const option = options.find(
        (o) =>
          (typeof value === "number" || typeof value === "string") &&
          (String(o.orderindex) === String(value) || o.id === value),
      );
      return present(option?.name);
    }
    case "labels": {
      const first: unknown = Array.isArray(value) ? (value as unknown[])[0] : undefined;
      const option = options.find((o) => o.id === first);
      return present(option?.label ?? option?.name);
    }
    case "tasks": {
      const first: unknown = Array.isArray(value) ? value[0] : undefined;
      return present((first as { name?: unknown } | undefined)?.name);
    }
    default:
      return present(value);
  }
}

function present(value: unknown): string | null {
  if (typeof value === "number") return String(value);
  if (typeof value !== "string") return null;
  return value.trim() === "" ? null : value.trim();
}
