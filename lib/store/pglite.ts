// The embedded default: Postgres compiled to WASM, in a folder (`.hookgate/`) or in
// memory (`memory://`, for tests). Migrations are applied when it opens.
import { PGlite } from "@electric-sql/pglite";
import { mkdirSync } from "node:fs";
import { DEFAULT_STORE_TIMEOUT_MS, withDeadline } from "./deadline.js";
import { APPLIED_QUERY, applyMigrations, readMigrations, type AppliedMigration, type Migration } from "./migrations.js";
import { StoreError, type Rpc, type SqlFunction } from "./port.js";

export interface PgliteOptions {
  /**
   * The limit on one call (HOOKGATE_STORE_TIMEOUT_MS). PGlite is one session: calls
   * wait their turn behind each other (a long cleanup batch, a burst of webhooks),
   * and a webhook stops waiting at the limit. A statement cannot be taken back, so
   * one that has started still finishes; a repeat of its webhook is then a duplicate.
   */
  timeoutMs?: number;
  /** The migrations to apply on open (tests: a directory of their own). */
  migrations?: Migration[];
}

export async function pgliteRpc(dataDir: string, options: PgliteOptions = {}): Promise<Rpc & { db: PGlite }> {
  const { timeoutMs = DEFAULT_STORE_TIMEOUT_MS, migrations = readMigrations() } = options;
  if (!dataDir.startsWith("memory://")) mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir);
  try {
    await db.transaction((tx) =>
      applyMigrations(
        {
          exec: async (text) => {
            await tx.exec(text);
          },
          applied: async () => (await tx.query<AppliedMigration>(APPLIED_QUERY)).rows,
        },
        migrations,
      ),
    );
  } catch (error) {
    await db.close();
    throw error;
  }
  return {
    transport: "pglite",
    timeoutMs,
    db,
    call: <T>(fn: SqlFunction, values: readonly unknown[]): Promise<T> =>
      withDeadline(
        timeoutMs,
        async () => {
          try {
            const { rows } = await db.query<{ result: T }>(fn.statement, values as unknown[]);
            return rows[0]?.result as T;
          } catch (error) {
            throw new StoreError(`pglite: ${error instanceof Error ? error.message : String(error)}`, db.closed, {
              cause: error,
            });
          }
        },
        () => new StoreError(`pglite: no answer within ${timeoutMs} ms (HOOKGATE_STORE_TIMEOUT_MS)`, true),
      ),
    close: () => db.close(),
  };
}
