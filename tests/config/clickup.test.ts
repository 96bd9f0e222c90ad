// The router's variables: checked at start, naming the variable; the routing file
// turns the router on only once the routed lists are set.
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../lib/config/env.js";
import { loadRouting } from "../../lib/routing/load.js";
import { clickupRoutingSettings } from "../../lib/destinations/clickup/settings.js";
import { memoryStore } from "../support/app.js";

describe("ClickUp routing configuration", () => {
  it.each([
    [{ CLICKUP_ROUTED_LIST_IDS: "1,2" }, /CLICKUP_API_TOKEN: CLICKUP_ROUTED_LIST_IDS is set/],
    [{ CLICKUP_API_BASE_URL: "not a url" }, /CLICKUP_API_BASE_URL/],
    [{ CLICKUP_CUSTOMER_FIELD: "   " }, /CLICKUP_CUSTOMER_FIELD/],
  ])("refuses %j, naming the variable", (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it("reads lists, fields and the API from the environment, with ClickUp's defaults", () => {
    expect(
      clickupRoutingSettings(loadConfig({ CLICKUP_ROUTED_LIST_IDS: " 11, 22 ,", CLICKUP_API_TOKEN: "pk_1" })),
    ).toEqual({
      listIds: ["11", "22"],
      fields: { customer: "Customer", market: "Market" },
      api: { baseUrl: "https://api.clickup.com/api/v2", token: "pk_1" },
    });
  });

  it("registers the router in hookgate.routes.ts only when lists are routed", async () => {
    const store = await memoryStore();
    const off = await loadRouting(loadConfig({}), store);
    expect(off.destinations.has("clickup-router")).toBe(false);
    expect(off.route("clickup", { dedupKey: "k", type: "taskCreated", payload: {} })).toEqual([]);

    const on = await loadRouting(
      loadConfig({ CLICKUP_ROUTED_LIST_IDS: "162641062", CLICKUP_API_TOKEN: "pk_1" }),
      store,
    );
    expect(on.destinations.get("clickup-router")).toMatchObject({ kind: "action" });
    const created = {
      event: "taskCreated",
      task_id: "t",
      webhook_id: "w",
      history_items: [{ id: "1", parent_id: "162641062" }],
    };
    expect(on.route("clickup", { dedupKey: "k", type: "taskCreated", payload: created })).toEqual(["clickup-router"]);
    expect(
      on.route("clickup", { dedupKey: "k", type: "taskDeleted", payload: { ...created, event: "taskDeleted" } }),
    ).toEqual([]);
    await store.close();
  });
});
