// Store transport over a Postgres connection (self-hosted, CI, or Supabase's direct
// or pooler URL), with the `postgres` driver.
import postgres from "postgres";
import { applyMigrations, VERSIONS_QUERY } from "./migrations.js";
import { callStatement, StoreError, type Rpc } from "./port.js";

export interface PostgresOptions {
  /** Connections per process. Serverless instances each hold a few; a pooler multiplies them. */
  max?: number;
}

export function postgresRpc(url: string, options: PostgresOptions = {}): Rpc & { sql: postgres.Sql } {
  const sql = connect(url, options);
  // A named prepared statement per function: one round trip per call. Unprepared, the
  // driver must first ask Postgres for the parameter types (a second round trip).
  const prepare = preparedStatementsAllowed(url);
  return {
    transport: "postgres",
    sql,
    async call<T>(fn: string, args: Record<string, unknown>): Promise<T> {
      const { text, values } = callStatement(fn, args);
      try {
        const rows = await sql.unsafe(text, values as postgres.ParameterOrJSON<never>[], { prepare });
        return rows[0]?.result as T;
      } catch (error) {
        throw toStoreError(error);
      }
    },
    close: () => sql.end({ timeout: 5 }),
  };
}

export async function migratePostgres(url: string): Promise<string[]> {
  const sql = connect(url, { max: 1 });
  try {
    return await sql.begin((tx) =>
      applyMigrations({
        exec: async (text) => {
          await tx.unsafe(text).simple();
        },
        versions: async () => (await tx.unsafe<{ version: string }[]>(VERSIONS_QUERY)).map((r) => r.version),
      }),
    );
  } finally {
    await sql.end({ timeout: 5 });
  }
}

function connect(url: string, { max = 10 }: PostgresOptions): postgres.Sql {
  return postgres(url, {
    max,
    idle_timeout: 20,
    connect_timeout: 5,
    prepare: preparedStatementsAllowed(url),
    onnotice: () => {},
    connection: { application_name: "hookgate" },
  });
}

/** Transaction-mode poolers (Supabase's port 6543) cannot keep prepared statements. */
function preparedStatementsAllowed(url: string): boolean {
  return !/:6543\//.test(url);
}

// Postgres error classes that mean "could not be served now" rather than "bad call".
const UNAVAILABLE_SQLSTATE = /^(08|53|57P)/;

function toStoreError(error: unknown): StoreError {
  const code = (error as { code?: unknown }).code;
  const unreachable =
    typeof code !== "string" ||
    UNAVAILABLE_SQLSTATE.test(code) ||
    /^(ECONN|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|EPIPE|CONNECT_TIMEOUT|CONNECTION_)/.test(code);
  const message = error instanceof Error ? error.message : String(error);
  return new StoreError(`postgres: ${message}`, unreachable, { cause: error });
}
