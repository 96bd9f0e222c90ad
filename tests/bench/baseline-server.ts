// The hand-written baseline for bench:ingest: what a careful engineer writes in an
// afternoon — node:http, the ClickUp HMAC checked in constant time, the body parsed,
// and one INSERT per request (deduplicated on the same key) on the same PostgreSQL,
// with the same driver and pool size. No outbox, rate limit, logging or metrics.
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";
import postgres from "postgres";

const secret = process.env.CLICKUP_WEBHOOK_SECRET!;
const sql = postgres(process.env.DATABASE_URL!, { max: 10, onnotice: () => {} });
// The same columns, keys and indexes as the events table.
await sql.unsafe("create table if not exists bench_baseline (like hookgate.events including all)");

const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on("data", (chunk: Buffer) => chunks.push(chunk));
  request.on("end", () => {
    const body = Buffer.concat(chunks);
    const given = Buffer.from(String(request.headers["x-signature"] ?? ""), "hex");
    const expected = createHmac("sha256", secret).update(body).digest();
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      response.writeHead(401).end();
      return;
    }
    let hook: { event: string; webhook_id: string; history_items?: { id: string }[] };
    try {
      hook = JSON.parse(body.toString("utf8")) as typeof hook;
    } catch {
      response.writeHead(400).end();
      return;
    }
    const key = `${hook.webhook_id}:${hook.event}:${(hook.history_items ?? []).map((item) => item.id).join(",")}`;
    sql`insert into bench_baseline (source, provider, dedup_key, event_type, verified, raw_body, payload, headers)
        values ('clickup', 'clickup', ${key}, ${hook.event}, true, ${body}, ${sql.json(hook)},
                ${sql.json({ "content-type": String(request.headers["content-type"]) })})
        on conflict (source, dedup_key) do nothing`.then(
      () => {
        response.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
      },
      () => {
        response.writeHead(503).end();
      },
    );
  });
});
server.listen(Number(process.env.PORT), "127.0.0.1", () => console.log("ready"));
