// The route predicate: which ClickUp webhooks get a routing delivery at all.
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../lib/config/env.js";
import { clickupRoutingSettings } from "../../../lib/destinations/clickup/settings.js";
import { routesTicket, trigger } from "../../../lib/destinations/clickup/trigger.js";
import { sample } from "../../support/requests.js";

const ROUTED = "162641062"; // the list of the samples
const settings = clickupRoutingSettings(
  loadConfig({ CLICKUP_ROUTED_LIST_IDS: `901, ${ROUTED}`, CLICKUP_API_TOKEN: "pk_x" }),
);
const created = JSON.parse(sample("clickup", "taskCreated.json")) as Record<string, unknown>;
const marketChanged = JSON.parse(sample("clickup", "taskUpdated.json")) as Record<string, unknown>;
const movedIn = JSON.parse(sample("clickup", "taskMoved.json")) as Record<string, unknown>;
/** taskMoved as ClickUp sends it: one section_moved item, the lists before and after, parent_id the new one. */
const move = (from: string | null, to: string) => ({
  event: "taskMoved",
  task_id: "86b2x7k4q",
  webhook_id: "w",
  history_items: [
    {
      id: "1",
      field: "section_moved",
      parent_id: to,
      before: from === null ? null : { id: from, name: "a list" },
      after: { id: to, name: "b list" },
    },
  ],
});

function update(items: Record<string, unknown>[], event = "taskUpdated") {
  return {
    event,
    task_id: "86b2x7k4q",
    webhook_id: "w",
    history_items: items.map((i, n) => ({ id: String(n), parent_id: ROUTED, ...i })),
  };
}
const customField = (custom_field: Record<string, unknown>) => ({ field: "custom_field", custom_field, after: "x" });

describe("route trigger", () => {
  it.each([
    ["a task created in a routed list", created, { route: true, why: "task_created", rules: ["cx", "ops"] }],
    ["the Market field changed (sample)", marketChanged, { route: true, why: "routing_field_changed", rules: ["ops"] }],
    [
      "the Customer field changed, by name in another case",
      update([customField({ id: "c1", name: "customer" })]),
      { route: true, why: "routing_field_changed", rules: ["cx"] },
    ],
    [
      "a routing field among other changes",
      update([{ field: "status" }, customField({ id: "c1", name: "Customer" })]),
      { route: true, why: "routing_field_changed", rules: ["cx"] },
    ],
    [
      "both routing fields changed",
      update([customField({ name: "Market" }), customField({ name: "Customer" })]),
      { route: true, why: "routing_field_changed", rules: ["cx", "ops"] },
    ],
    [
      "another custom field changed",
      update([customField({ id: "p1", name: "Priority score" })]),
      { route: false, why: "no_routing_field_changed" },
    ],
    ["the status changed", update([{ field: "status" }]), { route: false, why: "no_routing_field_changed" }],
    [
      "an update without history items",
      { event: "taskUpdated", task_id: "t", webhook_id: "w" },
      { route: false, why: "no_routing_field_changed" },
    ],
    [
      "a task created in another list",
      { ...created, history_items: [{ id: "1", parent_id: "555", field: "task_creation" }] },
      { route: false, why: "list_not_routed" },
    ],
    ["a task moved into a routed list (sample)", movedIn, { route: true, why: "task_moved_in", rules: ["cx", "ops"] }],
    [
      "a task moved in, list ids as numbers",
      {
        ...move("555", ROUTED),
        history_items: [
          {
            id: "1",
            field: "section_moved",
            parent_id: Number(ROUTED),
            before: { id: 555 },
            after: { id: Number(ROUTED) },
          },
        ],
      },
      { route: true, why: "task_moved_in", rules: ["cx", "ops"] },
    ],
    ["a task moved in, no before list", move(null, "901"), { route: true, why: "task_moved_in", rules: ["cx", "ops"] }],
    ["a task moved out of a routed list", move(ROUTED, "555"), { route: false, why: "list_not_routed" }],
    ["a task moved between two routed lists", move("901", ROUTED), { route: false, why: "moved_between_routed_lists" }],
    ["a task moved within one routed list", move(ROUTED, ROUTED), { route: false, why: "moved_between_routed_lists" }],
    ["a task moved between lists that are not routed", move("554", "555"), { route: false, why: "list_not_routed" }],
    [
      "a task created with no list named on its history (the action checks the task's list)",
      { ...created, history_items: [{ id: "1", field: "task_creation" }] },
      { route: true, why: "task_created", rules: ["cx", "ops"] },
    ],
    [
      "a task moved in, the new list only in parent_id",
      { ...move("554", ROUTED), history_items: [{ id: "1", field: "section_moved", parent_id: ROUTED, after: null }] },
      { route: true, why: "task_moved_in", rules: ["cx", "ops"] },
    ],
    [
      "a task moved in, the new list only at the top level",
      { event: "taskMoved", task_id: "t", webhook_id: "w", list_id: Number(ROUTED) },
      { route: true, why: "task_moved_in", rules: ["cx", "ops"] },
    ],
    [
      "a task moved elsewhere, the new list only at the top level",
      { event: "taskMoved", task_id: "t", webhook_id: "w", list_id: "555" },
      { route: false, why: "list_not_routed" },
    ],
    [
      "a task moved, no list named anywhere (the action checks the task's list)",
      { event: "taskMoved", task_id: "t", webhook_id: "w" },
      { route: true, why: "task_moved_in", rules: ["cx", "ops"] },
    ],
    ["taskDeleted", { ...created, event: "taskDeleted" }, { route: false, why: "not_a_task_event" }],
    ["a body with no task id", { event: "taskCreated", webhook_id: "w" }, { route: false, why: "not_a_task_event" }],
    ["not an object", "taskCreated", { route: false, why: "not_a_task_event" }],
  ])("%s", (_, payload, expected) => {
    expect(trigger(payload, settings)).toEqual(expected);
  });

  it("matches the routing fields by id as well as by name", () => {
    const byId = clickupRoutingSettings(
      loadConfig({
        CLICKUP_ROUTED_LIST_IDS: ROUTED,
        CLICKUP_API_TOKEN: "pk_x",
        CLICKUP_MARKET_FIELD: "0a52c486-5f05-403b-b4fd-c512ff05131c",
      }),
    );
    expect(trigger(marketChanged, byId)).toEqual({ route: true, why: "routing_field_changed", rules: ["ops"] });
  });

  it("routes nothing while no list is configured", () => {
    expect(trigger(created, clickupRoutingSettings(loadConfig({})))).toEqual({ route: false, why: "routing_off" });
  });

  describe("loop safety: the webhooks hookgate's own changes cause are not routed", () => {
    const hookgate = { id: 4242, username: "hookgate" };
    const asUpdate = (name: string) => ({ ...(JSON.parse(sample("clickup", name)) as object), event: "taskUpdated" });
    it.each([
      ["taskAssigneeUpdated (sample)", JSON.parse(sample("clickup", "taskAssigneeUpdated.json")) as { event: string }],
      ["taskTagUpdated (sample)", JSON.parse(sample("clickup", "taskTagUpdated.json")) as { event: string }],
      ["taskUpdated carrying the assignee sample's item", asUpdate("taskAssigneeUpdated.json")],
      ["taskUpdated carrying the tag sample's item", asUpdate("taskTagUpdated.json")],
      ["taskAssigneeUpdated", update([{ field: "assignee_add", after: hookgate }], "taskAssigneeUpdated")],
      ["taskUpdated, assignee added", update([{ field: "assignee_add", after: hookgate }])],
      ["taskUpdated, assignee removed by a human", update([{ field: "assignee_rem", before: hookgate }])],
      ["taskTagUpdated", update([{ field: "tag", after: [{ name: "needs cx routing" }] }], "taskTagUpdated")],
      ["taskUpdated, tag added", update([{ field: "tag", after: [{ name: "needs ops routing" }] }])],
      ["taskUpdated, tag removed", update([{ field: "tag_removed", before: [{ name: "needs ops routing" }] }])],
    ])("%s", (_, payload) => {
      expect(routesTicket(settings)(payload)).toBe(false);
    });
  });
});
