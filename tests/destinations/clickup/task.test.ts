// Reading the Customer and Market custom fields of a task as ClickUp's API returns it.
import { describe, expect, it } from "vitest";
import { ClickUpTask, currentAssignees, hasTag, taskFacts } from "../../../lib/destinations/clickup/task.js";

const fields = { customer: "Customer", market: "Market" };
const options = [
  { id: "o-lis", name: "Lisbon", orderindex: 0 },
  { id: "o-por", name: "Porto", orderindex: 1 },
];

function task(custom_fields: unknown[]) {
  return ClickUpTask.parse({ id: "t1", list: { id: 9 }, custom_fields });
}
const customer = (value: unknown, type = "short_text", extra = {}) => ({
  id: "c",
  name: "Customer",
  type,
  ...extra,
  ...(value === undefined ? {} : { value }),
});
const market = (value: unknown, type = "drop_down") => ({
  id: "m",
  name: "Market",
  type,
  type_config: { options },
  ...(value === undefined ? {} : { value }),
});

describe("task facts", () => {
  it.each([
    [
      "text values and a drop-down's orderindex",
      [customer("Acme Hotels"), market(1)],
      { customer: "Acme Hotels", market: "Porto" },
    ],
    ["a drop-down given as an option id", [customer("Acme"), market("o-lis")], { customer: "Acme", market: "Lisbon" }],
    ["a drop-down's orderindex 0", [customer("Acme"), market(0)], { customer: "Acme", market: "Lisbon" }],
    [
      "fields with no value (ClickUp omits it)",
      [customer(undefined), market(undefined)],
      { customer: null, market: null },
    ],
    ["blank text", [customer("   "), market(null)], { customer: null, market: null }],
    ["no such fields on the task", [], { customer: null, market: null }],
    ["an orderindex matching no option", [customer("Acme"), market(7)], { customer: "Acme", market: null }],
    [
      "labels: the first label",
      [customer(["l2"], "labels", { type_config: { options: [{ id: "l2", label: "Blue Harbor" }] } }), market(0)],
      { customer: "Blue Harbor", market: "Lisbon" },
    ],
    [
      "labels: an option with a name but no label",
      [customer(["l3"], "labels", { type_config: { options: [{ id: "l3", name: "Green Bay" }] } }), market(0)],
      { customer: "Green Bay", market: "Lisbon" },
    ],
    [
      "labels or a relationship holding something other than a list",
      [
        customer("l2", "labels", { type_config: { options: [{ id: "l2", label: "Blue Harbor" }] } }),
        market(0, "tasks"),
      ],
      { customer: null, market: null },
    ],
    ["a number field", [customer(42, "number"), market(0)], { customer: "42", market: "Lisbon" }],
    ["a value that is neither text nor number", [customer({ a: 1 }), market(0)], { customer: null, market: "Lisbon" }],
    [
      "a relationship: the first linked task's name",
      [customer([{ id: "x", name: "Cedar Stays" }], "tasks"), market(0)],
      { customer: "Cedar Stays", market: "Lisbon" },
    ],
  ])("%s", (_, customFields, expected) => {
    expect(taskFacts(task(customFields), fields)).toEqual(expected);
  });

  it("finds the fields by id or by name in any case", () => {
    const t = task([customer("Acme"), market(1)]);
    expect(taskFacts(t, { customer: "c", market: "MARKET" })).toEqual({ customer: "Acme", market: "Porto" });
  });

  it("lists the current assignees by user id", () => {
    const t = ClickUpTask.parse({ id: "t", assignees: [{ id: 101, username: "ana" }, { id: 201 }] });
    expect(currentAssignees(t)).toEqual([101, 201]);
  });

  it("reads list ids given as numbers as strings, and compares tags ignoring case", () => {
    const t = ClickUpTask.parse({ id: "t", list: { id: 162641062 }, tags: [{ name: "needs cx routing" }] });
    expect(t.list?.id).toBe("162641062");
    expect(hasTag(t, "Needs CX Routing")).toBe(true);
    expect(hasTag(t, "Needs Ops Routing")).toBe(false);
  });
});
