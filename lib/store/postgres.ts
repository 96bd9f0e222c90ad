// Store transport over a Postgres connection (self-hosted, CI, or Supabase's direct
// or pooler URL), with the `postgres` driver.
import postgres from "postgres";
import { DEFAULT_STORE_TIMEOUT_MS, withDeadline } from "./deadline.js";
import { APPLIED_QUERY, applyMigrations, readMigrations, type AppliedMigration } from "./migrations.js";
import { StoreError, type Rpc, type SqlFunction } from "./port.js";

export interface PostgresOptions {
  /** Connections per process. Serverless instances each hold a few; a pooler multiplies them. */
  max?: number;
  /** The limit on one call: waiting for a connection, then the statement (HOOKGATE_STORE_TIMEOUT_MS). */
  timeoutMs?: number;
}

/**
 * Calls allowed inside the driver at once, per connection. postgres.js queues every
 * query it cannot send while its connections reconnect, and drains that queue one
 * query per connection attempt: unbounded, an outage piles up queries that run long
 * after their requests were answered. Past this many, a call waits here, where its
 * deadline can withdraw it before it ever reaches the driver.
 */
const CALLS_PER_CONNECTION = 4;

export function postgresRpc(url: string, options: PostgresOptions = {}): Rpc & { sql: postgres.Sql } {
  const { max = 10, timeoutMs = DEFAULT_STORE_TIMEOUT_MS } = options;
  const sql = connect(url, { max, timeoutMs });
  const places = gate(max * CALLS_PER_CONNECTION);
  // A named prepared statement per function: one round trip per call. Unprepared, the
  // driver must first ask Postgres for the parameter types (a second round trip).
  const prepare = preparedStatementsAllowed(url);
  const late = () => new StoreError(`postgres: no answer within ${timeoutMs} ms (HOOKGATE_STORE_TIMEOUT_MS)`, true);
  return {
    transport: "postgres",
    timeoutMs,
    sql,
    call: <T>(fn: SqlFunction, values: readonly unknown[]): Promise<T> =>
      withDeadline(
        timeoutMs,
        async (signal) => {
          await places.enter(signal);
          try {
            const rows = await sql.unsafe(fn.statement, values as postgres.ParameterOrJSON<never>[], { prepare });
            return rows[0]?.result as T;
          } catch (error) {
            throw toStoreError(error);
          } finally {
            places.leave();
          }
        },
        late,
      ),
    close: () => sql.end({ timeout: 5 }),
  };
}

/** Applies the migrations not yet applied (`npm run db:migrate`); refuses when an applied one has changed. */
export async function migratePostgres(url: string, migrations = readMigrations()): Promise<string[]> {
  // No statement limit here: a migration may rightly take longer than a webhook may wait.
  const sql = connect(url, { max: 1 });
  try {
    return await sql.begin((tx) =>
      applyMigrations(
        {
          exec: async (text) => {
            await tx.unsafe(text).simple();
          },
          applied: async () => [...(await tx.unsafe<AppliedMigration[]>(APPLIED_QUERY))],
        },
        migrations,
      ),
    );
  } finally {
    await sql.end({ timeout: 5 });
  }
}

function connect(url: string, { max, timeoutMs }: { max: number; timeoutMs?: number }): postgres.Sql {
  const pooled = !preparedStatementsAllowed(url);
  return postgres(url, {
    max,
    idle_timeout: 20,
    // A connection attempt that hangs (a host that drops packets) fails within the limit.
    connect_timeout: Math.max(1, Math.ceil((timeoutMs ?? 5_000) / 1000)),
    // The driver's default waits up to 20 s between attempts once Postgres has been
    // down a while, so answers resumed up to ~17 s after it was back: retry within 1 s.
    backoff: reconnectDelaySeconds,
    prepare: !pooled,
    onnotice: () => {},
    connection: {
      application_name: "hookgate",
      // The server ends a statement that overruns the limit too (a lock wait, a slow
      // plan), so the connection is free again when the caller has been answered.
      // Not through a transaction-mode pooler, which may refuse startup parameters.
      ...(timeoutMs !== undefined && !pooled ? { statement_timeout: timeoutMs } : {}),
    },
  });
}

/** Seconds before the next connection attempt: 50 ms doubling, at most 1 s, with jitter. */
export function reconnectDelaySeconds(retries: number): number {
  return Math.min(0.05 * 2 ** retries, 1) * (0.5 + Math.random() / 2);
}

/** Transaction-mode poolers (Supabase's port 6543) cannot keep prepared statements. */
function preparedStatementsAllowed(url: string): boolean {
  return !/:6543\//.test(url);
}

/** At most `size` holders at once; a waiter whose signal aborts leaves the line. */
function gate(size: number): { enter(signal: AbortSignal): Promise<void>; leave(): void } {
  let free = size;
  const line = new Set<() => void>();
  return {
    enter(signal) {
      if (free > 0) {
        free -= 1;
        return Promise.resolve();
      }
      return new Promise((resolve, reject) => {
        const withdraw = () => {
          line.delete(admit);
          // The deadline aborts with its StoreError (lib/store/deadline.ts).
          reject(signal.reason as Error);
        };
        const admit = () => {
          signal.removeEventListener("abort", withdraw);
          resolve();
        };
        line.add(admit);
        signal.addEventListener("abort", withdraw, { once: true });
      });
    },
    leave() {
      // A place handed straight to the longest waiter (a Set keeps insertion order).
      const [next] = line;
      if (next) {
        line.delete(next);
        next();
      } else {
        free += 1;
      }
    },
  };
}

// Postgres error classes that mean "could not be served now" rather than "bad call".
// 57014 (query_canceled) is here too: statement_timeout, the limit above, ends a
// statement with it.
const UNAVAILABLE_SQLSTATE = /^(08|53|57P|57014)/;

function toStoreError(error: unknown): StoreError {
  const code = (error as { code?: unknown }).code;
  const unreachable =
    typeof code !== "string" ||
    UNAVAILABLE_SQLSTATE.test(code) ||
    /^(ECONN|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|EPIPE|CONNECT_TIMEOUT|CONNECTION_)/.test(code);
  const message = error instanceof Error ? error.message : String(error);
  return new StoreError(`postgres: ${message}`, unreachable, { cause: error });
}
