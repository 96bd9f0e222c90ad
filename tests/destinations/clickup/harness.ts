// The stores the routing tests run on: PGlite always, real PostgreSQL when
// DATABASE_URL is set (a fresh database per file). Each gives a gateway configured for
// routing against a fake ClickUp API, and raw SQL for the directory, as a team edits it.
import type { App } from "../../../lib/app.js";
import { testApp } from "../../support/app.js";
import { openStore, type StoreKind } from "../../support/stores.js";
import type { FakeClickUp } from "../../support/clickup-api.js";

export const ROUTED_LIST = "162641062"; // the list of samples/clickup
export const OTHER_LIST = "900100200";
export const WEBHOOK_SECRET = "clickup-routing-secret";

export { STORES } from "../../support/stores.js";

export interface Harness {
  gateway: App;
  /** Runs SQL as the database owner (what the seed file and the SQL editor do). */
  sql(text: string): Promise<void>;
  query<T>(text: string): Promise<T[]>;
  close(): Promise<void>;
}

export function routingEnv(api: FakeClickUp, extra: Record<string, string> = {}): Record<string, string> {
  return {
    CLICKUP_WEBHOOK_SECRET: WEBHOOK_SECRET,
    CLICKUP_ROUTED_LIST_IDS: `${ROUTED_LIST},777`,
    CLICKUP_API_TOKEN: api.token,
    CLICKUP_API_BASE_URL: api.baseUrl,
    ...extra,
  };
}

export async function openHarness(kind: StoreKind, env: Record<string, string>): Promise<Harness> {
  const { store, sql, query, drop } = await openStore(kind);
  const gateway = await testApp(env, { store });
  return {
    gateway,
    sql,
    query,
    close: async () => {
      await gateway.close();
      await drop();
    },
  };
}
