// The ClickUp ticket router, as hookgate.routes.ts registers it: a destination (the
// action) and the predicate of its route. README, "ClickUp ticket routing".
import type { Env } from "../../config/env.js";
import { clickupRoutingSettings } from "./settings.js";
import { routesTicket } from "./trigger.js";

export { clickupRouter, CLICKUP_ROUTER } from "./action.js";

/** Routing is on once the routed lists are set (CLICKUP_ROUTED_LIST_IDS). */
export function clickupRoutingEnabled(env: Env): boolean {
  return (env.CLICKUP_ROUTED_LIST_IDS ?? []).length > 0;
}

/** taskCreated, taskMoved into a routed list, or taskUpdated changing Customer/Market, in a routed list. */
export function isRoutedTicket(env: Env): (payload: unknown) => boolean {
  return routesTicket(clickupRoutingSettings({ env }));
}
