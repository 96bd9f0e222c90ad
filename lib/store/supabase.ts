// Store transport for production on Vercel: the same SQL functions, called through
// the Supabase Data API (`POST /rest/v1/rpc/<fn>`) with the service role key.
//
// The client is @supabase/postgrest-js, the one `supabase.rpc()` delegates to. The
// full supabase-js client also builds auth, storage and a realtime socket that
// hookgate never uses: it costs ~50 ms more at cold start, and on Node 20 its
// constructor throws without a WebSocket implementation.
import { PostgrestClient } from "@supabase/postgrest-js";
import { DEFAULT_STORE_TIMEOUT_MS, withDeadline } from "./deadline.js";
import { StoreError, type Rpc, type SqlFunction } from "./port.js";

export interface SupabaseOptions {
  /** The limit on one call, connection and answer included (HOOKGATE_STORE_TIMEOUT_MS). */
  timeoutMs?: number;
}

interface RpcAnswer {
  data: unknown;
  error: { message: string } | null;
  status: number;
}

export function supabaseRpc(url: string, serviceRoleKey: string, options: SupabaseOptions = {}): Rpc {
  const { timeoutMs = DEFAULT_STORE_TIMEOUT_MS } = options;
  const client = new PostgrestClient(`${url.replace(/\/+$/, "")}/rest/v1`, {
    headers: { apikey: serviceRoleKey, Authorization: `Bearer ${serviceRoleKey}` },
  });
  const late = () => new StoreError(`supabase: no answer within ${timeoutMs} ms (HOOKGATE_STORE_TIMEOUT_MS)`, true);
  return {
    transport: "supabase",
    timeoutMs,
    call: <T>(fn: SqlFunction, values: readonly unknown[]): Promise<T> =>
      // The deadline's signal aborts the fetch itself: no socket is left waiting.
      withDeadline(
        timeoutMs,
        async (signal) => {
          // PostgREST takes the arguments by name, as a JSON object.
          const args = Object.fromEntries(fn.args.map((name, i) => [name, values[i]]));
          // Untyped: the client knows no schema here (lib/store/functions.ts is the types).
          const { data, error, status } = (await client.rpc(fn.name, args).abortSignal(signal)) as RpcAnswer;
          if (error) {
            // A failed or aborted fetch comes back as status 0; PostgREST answers 5xx
            // when it cannot reach Postgres. Both mean "try again", not "bad call".
            const unreachable = status === 0 || status >= 500;
            throw new StoreError(`supabase: ${error.message}`, unreachable, { cause: error });
          }
          return data as T;
        },
        late,
      ),
    close: async () => {},
  };
}
