// The ClickUp ticket router, as hookgate.routes.ts registers it: a destination (the
// action) and the predicate of its route. docs/clickup-routing.md.
import type { Env } from "../../config/env.js";
import type { Store } from "../../store/store.js";
import { clickupRouter } from "./action.js";
import { clickupRoutingSettings } from "./settings.js";
import { routesTicket } from "./trigger.js";

/** The router destination, with the store it reads the directory from and its settings from `env`. */
export function clickupTicketRouter({ env, store }: { env: Env; store: Pick<Store, "clickup"> }) {
  return clickupRouter({ directory: store.clickup, settings: clickupRoutingSettings({ env }) });
}

/** Routing is on once the routed lists are set (CLICKUP_ROUTED_LIST_IDS). */
export function clickupRoutingEnabled(env: Env): boolean {
  return (env.CLICKUP_ROUTED_LIST_IDS ?? []).length > 0;
}

/** taskCreated, taskMoved into a routed list, or taskUpdated changing Customer/Market, in a routed list. */
export function isRoutedTicket(env: Env): (payload: unknown) => boolean {
  return routesTicket(clickupRoutingSettings({ env }));
}
