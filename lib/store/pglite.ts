// The embedded default: Postgres compiled to WASM, in a folder (`.hookgate/`) or in
// memory (`memory://`, for tests). Migrations are applied when it opens.
import { PGlite } from "@electric-sql/pglite";
import { mkdirSync } from "node:fs";
import { applyMigrations, VERSIONS_QUERY } from "./migrations.js";
import { callStatement, StoreError, type Rpc } from "./port.js";

export async function pgliteRpc(dataDir: string): Promise<Rpc & { db: PGlite }> {
  if (!dataDir.startsWith("memory://")) mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir);
  await db.transaction((tx) =>
    applyMigrations({
      exec: async (text) => {
        await tx.exec(text);
      },
      versions: async () => (await tx.query<{ version: string }>(VERSIONS_QUERY)).rows.map((r) => r.version),
    }),
  );
  return {
    transport: "pglite",
    db,
    async call<T>(fn: string, args: Record<string, unknown>): Promise<T> {
      const { text, values } = callStatement(fn, args);
      try {
        const { rows } = await db.query<{ result: T }>(text, values);
        return rows[0]?.result as T;
      } catch (error) {
        throw new StoreError(`pglite: ${error instanceof Error ? error.message : String(error)}`, db.closed, { cause: error });
      }
    },
    close: () => db.close(),
  };
}
