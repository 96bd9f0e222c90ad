// The Store port. The database is the API: every operation is one SQL function
// (supabase/migrations), so a transport only carries a call and its answer.

export type StoreTransport = "supabase" | "postgres" | "pglite";

/** Calls `public.<fn>` with named arguments and returns its jsonb result. */
export interface Rpc {
  readonly transport: StoreTransport;
  call<T>(fn: string, args: Record<string, unknown>): Promise<T>;
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
export function assertIdentifier(name: string): string {
  if (!IDENTIFIER.test(name)) throw new TypeError(`not a SQL identifier: ${name}`);
  return name;
}

/**
 * `select public.fn(a => $1, b => $2) as result`. Values go as they are: both drivers
 * learn each parameter's type from the function and serialise jsonb themselves.
 */
export function callStatement(fn: string, args: Record<string, unknown>): { text: string; values: unknown[] } {
  const names = Object.keys(args).map(assertIdentifier);
  const placeholders = names.map((name, i) => `${name} => $${i + 1}`).join(", ");
  return {
    text: `select public.${assertIdentifier(fn)}(${placeholders}) as result`,
    values: names.map((name) => args[name] ?? null),
  };
}
