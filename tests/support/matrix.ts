// A test that belongs to only some cases of a matrix (one KV transport, a clock the
// test controls) is declared only for those cases: a case where it does not apply is
// not a skipped test, so a run with every service present shows no skips at all.
import { it } from "vitest";

export function itWhere(applies: boolean): typeof it {
  return applies ? it : ((() => undefined) as unknown as typeof it);
}
