// Store transport for production on Vercel: the same SQL functions, called through
// the Supabase Data API (`POST /rest/v1/rpc/<fn>`) with the service role key.
import { createClient } from "@supabase/supabase-js";
import { StoreError, type Rpc } from "./port.js";

export function supabaseRpc(url: string, serviceRoleKey: string, fetchImpl?: typeof fetch): Rpc {
  const client = createClient(url, serviceRoleKey, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    global: fetchImpl ? { fetch: fetchImpl } : {},
  });
  return {
    transport: "supabase",
    async call<T>(fn: string, args: Record<string, unknown>): Promise<T> {
      const { data, error, status } = await client.rpc(fn, args);
      if (error) {
        // supabase-js reports a failed fetch as status 0; PostgREST answers 5xx when
        // it cannot reach Postgres. Both mean "try again", not "bad call".
        const unreachable = status === 0 || status >= 500;
        throw new StoreError(`supabase: ${error.message}`, unreachable, { cause: error });
      }
      return data as T;
    },
    close: async () => {},
  };
}
