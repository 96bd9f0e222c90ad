// The Store port. The database is the API: every operation is one SQL function
// (supabase/migrations), so a transport only carries a call and its answer. Which
// functions exist, with which arguments, is lib/store/functions.ts.

export type StoreTransport = "supabase" | "postgres" | "pglite";

/** One SQL function, its statement built once: the transports only fill in the values. */
export interface SqlFunction {
  readonly name: string;
  /** The argument names, in the order of the statement's placeholders. */
  readonly args: readonly string[];
  /** `select public.fn(a => $1, b => $2) as result`. */
  readonly statement: string;
}

/** Calls `public.<fn>` with one value per argument name (null for SQL null) and returns its jsonb result. */
export interface Rpc {
  readonly transport: StoreTransport;
  /** The transport's limit on one call, in ms (HOOKGATE_STORE_TIMEOUT_MS); the store's batching keeps it per caller. */
  readonly timeoutMs?: number;
  call<T>(fn: SqlFunction, values: readonly unknown[]): Promise<T>;
  close(): Promise<void>;
}

/** Any failure to get an answer from the store. The pipeline answers 503: the provider retries. */
export class StoreError extends Error {
  override name = "StoreError";
  constructor(
    message: string,
    /** True when the store could not be reached at all (connection refused, timeout). */
    readonly unreachable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/** Function and argument names come from code, but they are spliced into SQL: check them. */
function assertIdentifier(name: string): string {
  if (!IDENTIFIER.test(name)) throw new TypeError(`not a SQL identifier: ${name}`);
  return name;
}

/**
 * Named arguments, so the order of a function's parameters in SQL does not matter.
 * Values go as they are: both drivers learn each parameter's type from the function
 * and serialise jsonb themselves.
 */
export function sqlFunction(name: string, args: readonly string[]): SqlFunction {
  const placeholders = args.map((arg, i) => `${assertIdentifier(arg)} => $${i + 1}`).join(", ");
  return { name, args, statement: `select public.${assertIdentifier(name)}(${placeholders}) as result` };
}
