// A real HTTP server speaking Upstash's Redis REST protocol, forwarding every command
// to a real Redis: the @upstash/redis client (and @upstash/ratelimit through it) runs
// unchanged against it. Reusable for anything KV-backed (limits, breaker, cooldowns).
// https://upstash.com/docs/redis/features/restapi
//   POST /            ["SET","k","v"]              → {"result": ...} | {"error": ...}
//   POST /pipeline    [["INCR","k"],["GET","k"]]   → [{"result": ...}, ...]
//   POST /multi-exec  the same, in one transaction
// With `Upstash-Encoding: base64` (the client's default) strings come back base64.
// Upstash understands the `#!lua flags=allow-key-locking` shebang its ratelimit scripts
// carry; the Redis behind this server does not, so EVAL/EVALSHA are translated here
// the way Upstash itself would accept them (the script's own SHA1 keeps working).
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Redis } from "ioredis";
import { forPlainRedis, sha1 } from "../../lib/kv/lua.js";

export interface UpstashRestServer {
  url: string;
  token: string;
  /** HTTP requests received so far (a pipeline of many commands is one). */
  readonly requests: number;
  /** Every command received, in order, as its name and argument count. */
  readonly commands: string[][];
  close(): Promise<void>;
}

type Command = (string | number)[];

export async function startUpstashRest(redisUrl: string, token = "upstash-test-token"): Promise<UpstashRestServer> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  let requests = 0;
  const commands: string[][] = [];
  const scripts = upstashScripts();

  const server: Server = createServer((req, res) => {
    void (async () => {
      requests += 1;
      const reply = (status: number, body: unknown) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(body));
      };
      if (req.headers.authorization !== `Bearer ${token}`) return reply(401, { error: "Unauthorized" });
      const base64 = String(req.headers["upstash-encoding"] ?? "").toLowerCase() === "base64";
      const encode = (value: unknown): unknown =>
        Buffer.isBuffer(value)
          ? value.toString(base64 ? "base64" : "utf8")
          : Array.isArray(value)
            ? value.map(encode)
            : value;
      const path = new URL(req.url ?? "/", "http://x").pathname.replace(/\/+$/, "");
      const body = JSON.parse((await readAll(req)) || "null") as unknown;

      if (path === "" || path === "/") {
        const command = body as Command;
        commands.push(command.map(String));
        try {
          return reply(200, { result: encode(await run(redis, scripts.translate(command))) });
        } catch (error) {
          return reply(400, { error: (error as Error).message });
        }
      }
      if (path === "/pipeline" || path === "/multi-exec") {
        const batch = body as Command[];
        for (const command of batch) commands.push(command.map(String));
        const items: { result?: unknown; error?: string }[] = [];
        if (path === "/pipeline") {
          for (const command of batch) {
            try {
              items.push({ result: encode(await run(redis, scripts.translate(command))) });
            } catch (error) {
              items.push({ error: (error as Error).message });
            }
          }
        } else {
          const tx = redis.multi();
          for (const [name, ...args] of batch.map(scripts.translate))
            tx.callBuffer(String(name).toUpperCase(), ...args.map(String));
          const results = (await tx.exec()) ?? [];
          for (const [error, result] of results)
            items.push(error ? { error: error.message } : { result: encode(result) });
        }
        return reply(200, items);
      }
      return reply(404, { error: `no such path ${path}` });
    })().catch((error: unknown) => {
      res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: String(error) }));
    });
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    get requests() {
      return requests;
    },
    commands,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      redis.disconnect();
    },
  };
}

/** Maps Upstash-flavoured scripts (and their SHA1s) to what plain Redis accepts. */
function upstashScripts() {
  const bySha = new Map<string, string>();
  const strip = (source: string) => {
    const plain = forPlainRedis(source);
    bySha.set(sha1(source), plain.sha);
    return plain.source;
  };
  return {
    translate(command: Command): Command {
      const [name, first, ...rest] = command;
      const upper = String(name).toUpperCase();
      if ((upper === "EVAL" || upper === "EVAL_RO") && typeof first === "string") return [name!, strip(first), ...rest];
      if (upper === "SCRIPT" && String(first).toUpperCase() === "LOAD") return [name!, first!, strip(String(rest[0]))];
      if ((upper === "EVALSHA" || upper === "EVALSHA_RO") && bySha.has(String(first)))
        return [name!, bySha.get(String(first))!, ...rest];
      return command;
    },
  };
}

// Upper case: ioredis reshapes some replies by lower-case command name (hgetall into
// an object), and Upstash answers in Redis's own shapes.
function run(redis: Redis, [name, ...args]: Command): Promise<unknown> {
  return redis.callBuffer(String(name).toUpperCase(), ...args.map(String));
}

async function readAll(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
