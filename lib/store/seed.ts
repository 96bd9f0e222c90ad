// Loads a seed file (supabase/seed.sql: the routing directory) into the store's
// database, migrating it first. The Supabase CLI runs the same file on `db reset`.
import { fileURLToPath } from "node:url";
import type { StoreTarget } from "../config/env.js";

export const SEED_FILE = fileURLToPath(new URL("../../supabase/seed.sql", import.meta.url));

export async function seedDatabase(
  target: Exclude<StoreTarget, { transport: "supabase" }>,
  sql: string,
): Promise<void> {
  if (target.transport === "pglite") {
    const { pgliteRpc } = await import("./pglite.js");
    const rpc = await pgliteRpc(target.dataDir);
    try {
      await rpc.db.transaction((tx) => tx.exec(sql));
    } finally {
      await rpc.close();
    }
    return;
  }
  const { migratePostgres } = await import("./postgres.js");
  const { default: postgres } = await import("postgres");
  await migratePostgres(target.url);
  const db = postgres(target.url, { max: 1, onnotice: () => {} });
  try {
    await db.begin((tx) => tx.unsafe(sql).simple());
  } finally {
    await db.end({ timeout: 5 });
  }
}
