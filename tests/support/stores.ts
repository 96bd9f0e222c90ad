// The stores a test runs on: PGlite always, real PostgreSQL when DATABASE_URL is set (a
// fresh, migrated database of its own, dropped afterwards). `describe.each(STORES)`
// names them; openStore gives the store, raw SQL on its database, and its removal.
import type { Store } from "../../lib/store/store.js";
import { memoryDatabase } from "./app.js";
import { DATABASE_URL, freshDatabase, postgresStore } from "./postgres.js";

export type StoreKind = "pglite" | "postgres";

export const STORES = [
  { name: "pglite", skip: false },
  { name: "postgres", skip: !DATABASE_URL },
] as const satisfies readonly { name: StoreKind; skip: boolean }[];

export interface OpenedStore {
  store: Store;
  /** Runs SQL as the database owner (what the seed file and the SQL editor do). */
  sql(text: string): Promise<void>;
  query<T>(text: string): Promise<T[]>;
  /** Drops the database (PostgreSQL; nothing for PGlite), after the store or its app is closed. */
  drop(): Promise<void>;
}

export async function openStore(kind: StoreKind): Promise<OpenedStore> {
  if (kind === "pglite") {
    const { store, db } = await memoryDatabase();
    return {
      store,
      sql: async (text) => {
        await db.exec(text);
      },
      query: async <T>(text: string) => (await db.query<T>(text)).rows,
      drop: async () => {},
    };
  }
  const database = await freshDatabase();
  return {
    store: postgresStore(database.url, 4),
    sql: async (text) => {
      await database.sql.unsafe(text).simple();
    },
    query: async <T>(text: string) => (await database.sql.unsafe(text)) as unknown as T[],
    drop: () => database.drop(),
  };
}
