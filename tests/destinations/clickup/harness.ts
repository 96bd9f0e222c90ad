// The stores the routing tests run on: PGlite always, real PostgreSQL when
// DATABASE_URL is set (a fresh database per file). Each gives a gateway configured for
// routing against a fake ClickUp API, and raw SQL for the directory, as a team edits it.
import type { App } from "../../../lib/app.js";
import { memoryDatabase, testApp } from "../../support/app.js";
import { DATABASE_URL, freshDatabase, postgresStore } from "../../support/postgres.js";
import type { FakeClickUp } from "../../support/clickup-api.js";

export const ROUTED_LIST = "162641062"; // the list of samples/clickup
export const OTHER_LIST = "900100200";
export const WEBHOOK_SECRET = "clickup-routing-secret";

export interface StoreKind {
  name: "pglite" | "postgres";
  skip: boolean;
}
export const STORES: StoreKind[] = [
  { name: "pglite", skip: false },
  { name: "postgres", skip: !DATABASE_URL },
];

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

export async function openHarness(kind: StoreKind["name"], env: Record<string, string>): Promise<Harness> {
  if (kind === "pglite") {
    const { store, db } = await memoryDatabase();
    const gateway = await testApp(env, { store });
    return {
      gateway,
      sql: async (text) => {
        await db.exec(text);
      },
      query: async <T>(text: string) => (await db.query<T>(text)).rows,
      close: () => gateway.close(),
    };
  }
  const database = await freshDatabase();
  const gateway = await testApp(env, { store: postgresStore(database.url, 4) });
  return {
    gateway,
    sql: async (text) => {
      await database.sql.unsafe(text).simple();
    },
    query: async <T>(text: string) => (await database.sql.unsafe(text)) as unknown as T[],
    close: async () => {
      await gateway.close();
      await database.drop();
    },
  };
}
