// The typed table of SQL functions (lib/store/functions.ts) is the database's API as
// the code sees it: it must say exactly what pg_proc says, on PGlite and on real
// PostgreSQL, or a call fails at run time that the compiler let through.
import type { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { STORE_FUNCTIONS, storeCall, type SqlType } from "../../lib/store/functions.js";
import { pgliteRpc } from "../../lib/store/pglite.js";
import type { Rpc, SqlFunction } from "../../lib/store/port.js";
import { DATABASE_URL, freshDatabase, type TestDatabase } from "../support/postgres.js";

interface Signature {
  name: string;
  args: string[];
  types: string[];
}

// pg_proc, as format_type names the types; arguments in declaration order.
const SIGNATURES = `
  select p.proname::text as name,
         coalesce(p.proargnames[1:p.pronargs], '{}')::text[] as args,
         array(select format_type(t.oid, null) from unnest(p.proargtypes::oid[]) with ordinality as t(oid, i) order by t.i)::text[] as types
    from pg_proc p join pg_namespace n on n.oid = p.pronamespace
   where n.nspname = 'public' and p.proname like 'hookgate\\_%'
   order by 1, 2`;

const FORMAT_TYPE: Record<SqlType, string> = {
  text: "text",
  uuid: "uuid",
  timestamptz: "timestamp with time zone",
  integer: "integer",
  bigint: "bigint",
  boolean: "boolean",
  jsonb: "jsonb",
};

function table(): Signature[] {
  return Object.entries(STORE_FUNCTIONS)
    .map(([name, spec]) => ({
      name,
      args: Object.keys(spec.args),
      types: Object.values(spec.args).map((arg: { sql: SqlType }) => FORMAT_TYPE[arg.sql]),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

function byName(rows: Signature[]): Signature[] {
  return rows
    .map(({ name, args, types }) => ({ name, args: [...args], types: [...types] }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

describe("the typed table against PGlite's pg_proc", () => {
  let db: PGlite;
  let close: () => Promise<void>;
  beforeAll(async () => {
    const rpc = await pgliteRpc("memory://");
    db = rpc.db;
    close = () => rpc.close();
  });
  afterAll(() => close());

  it("names every public hookgate_* function, with exactly its arguments and their types", async () => {
    const { rows } = await db.query<Signature>(SIGNATURES);
    expect(byName(rows)).toEqual(table());
  });
});

describe.skipIf(!DATABASE_URL)(
  "the typed table against PostgreSQL's pg_proc (skipped: DATABASE_URL is not set)",
  () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await freshDatabase();
    });
    afterAll(() => db?.drop());

    it("names every public hookgate_* function, with exactly its arguments and their types", async () => {
      const rows = await db.sql.unsafe<Signature[]>(SIGNATURES);
      expect(byName(rows)).toEqual(table());
    });
  },
);

describe("a typed call", () => {
  /** A transport that answers {} and keeps what it was handed. */
  function recording(): Rpc & { calls: { fn: SqlFunction; values: readonly unknown[] }[] } {
    const calls: { fn: SqlFunction; values: readonly unknown[] }[] = [];
    return {
      transport: "pglite",
      calls,
      call: async <T>(fn: SqlFunction, values: readonly unknown[]) => {
        calls.push({ fn, values });
        return {} as T;
      },
      close: async () => {},
    };
  }

  it("hands the transport one statement per function, built once, with the values in its order", async () => {
    const rpc = recording();
    const call = storeCall(rpc);
    await call("hookgate_report", { p_top: 3, p_now: null });
    await call("hookgate_report", { p_now: "2026-12-01T00:00:00.000Z", p_top: 5 });
    const [first, second] = rpc.calls;
    expect(first!.fn).toBe(second!.fn);
    expect(first!.fn.statement).toBe("select public.hookgate_report(p_now => $1, p_top => $2) as result");
    expect(first!.values).toEqual([null, 3]);
    expect(second!.values).toEqual(["2026-12-01T00:00:00.000Z", 5]);
  });

  it("is checked by the compiler: function name, argument names, value types", () => {
    // Never run: `npx tsc --noEmit` fails if any of these calls compiles.
    const unchecked = (call: ReturnType<typeof storeCall>) => [
      // @ts-expect-error: no such function
      call("hookgate_nonexistent", {}),
      // @ts-expect-error: an argument the function does not take
      call("hookgate_get_delivery", { p_id: 1, p_other: 2 }),
      // @ts-expect-error: a missing argument
      call("hookgate_prune_rejections", { p_batch: 10 }),
      // @ts-expect-error: a value of the wrong type
      call("hookgate_get_delivery", { p_id: "1" }),
      // @ts-expect-error: null where the function needs a value
      call("hookgate_get_event", { p_id: null }),
    ];
    expect(typeof unchecked).toBe("function");
  });
});
