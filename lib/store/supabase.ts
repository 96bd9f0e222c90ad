// Store transport for production on Vercel: the same SQL functions, called through
// the Supabase Data API (`POST /rest/v1/rpc/<fn>`) with the service role key.
//
// The client is @supabase/postgrest-js, the one `supabase.rpc()` delegates to. The
// full supabase-js client also builds auth, storage and a realtime socket that
// hookgate never uses: it costs ~50 ms more at cold start, and on Node 20 its
// constructor throws without a WebSocket implementation.
import { PostgrestClient } from "@supabase/postgrest-js";
import { StoreError, type Rpc } from "./port.js";

export function supabaseRpc(url: string, serviceRoleKey: string): Rpc {
  const client = new PostgrestClient(`${url.replace(/\/+$/, "")}/rest/v1`, {
    headers: { apikey: serviceRoleKey, Authorization: `Bearer ${serviceRoleKey}` },
  });
  return {
    transport: "supabase",
    async call<T>(fn: string, args: Record<string, unknown>): Promise<T> {
      const { data, error, status } = await client.rpc(fn, args);
      if (error) {
        // A failed fetch comes back as status 0; PostgREST answers 5xx when it cannot
        // reach Postgres. Both mean "try again", not "bad call".
        const unreachable = status === 0 || status >= 500;
        throw new StoreError(`supabase: ${error.message}`, unreachable, { cause: error });
      }
      return data as T;
    },
    close: async () => {},
  };
}
