// A real local HTTP server speaking the part of Supabase's Data API (PostgREST) that
// hookgate uses: `POST /rest/v1/rpc/<fn>` with named arguments as a JSON object,
// authorised by the service role key. It answers by calling the same SQL function
// through another transport, so the supabase-js client's real requests are exercised.
import { createServer, type Server, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { sqlFunction, StoreError, type Rpc } from "../../lib/store/port.js";

export interface FakePostgrest {
  url: string;
  /** Every request received: method, path and the headers that matter. */
  requests: { method: string; path: string; apikey?: string; authorization?: string }[];
  close(): Promise<void>;
}

export async function startPostgrest(backend: Rpc, serviceRoleKey: string): Promise<FakePostgrest> {
  const requests: FakePostgrest["requests"] = [];
  const answer = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const path = req.url ?? "";
    requests.push({
      method: req.method ?? "",
      path,
      apikey: req.headers.apikey as string | undefined,
      authorization: req.headers.authorization,
    });
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json; charset=utf-8" });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== `Bearer ${serviceRoleKey}` || req.headers.apikey !== serviceRoleKey) {
      return reply(401, { code: "PGRST301", message: "JWT invalid", details: null, hint: null });
    }
    const match = /^\/rest\/v1\/rpc\/([a-z_][a-z0-9_]*)$/.exec(path.split("?")[0]!);
    if (req.method !== "POST" || !match) {
      return reply(404, { code: "PGRST202", message: "Could not find the function", details: null, hint: null });
    }
    try {
      const args = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>) : {};
      reply(200, await backend.call(sqlFunction(match[1]!, Object.keys(args)), Object.values(args)));
    } catch (error) {
      // PostgREST maps SQL errors to 400 with the SQLSTATE, and an unreachable database to 503.
      const unreachable = error instanceof StoreError && error.unreachable;
      reply(unreachable ? 503 : 400, {
        code: "P0001",
        message: String((error as Error).message),
        details: null,
        hint: null,
      });
    }
  };
  const server: Server = createServer((req, res) => void answer(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
