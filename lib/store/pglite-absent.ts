// What a Vercel function has in place of ./pglite.ts (scripts/build.ts puts it there):
// the embedded store is never in a function. It is 16 MB, and a function has no lasting
// disk to keep events on (lib/config/env.ts refuses it on Vercel for that reason).
import { ConfigError } from "../config/error.js";
import type { pgliteRpc as embedded } from "./pglite.js";

export const pgliteRpc: typeof embedded = async () => {
  throw new ConfigError(
    "this function has no embedded store (PGlite is not in Vercel functions): " +
      "set SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY, or DATABASE_URL",
  );
};
