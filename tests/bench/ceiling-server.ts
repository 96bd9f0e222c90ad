// The ceiling for bench:ingest: the same HTTP stack and driver doing the least a
// durable webhook endpoint can do — read the body and insert one row into a table of
// the same shape — with no verification, dedup or outbox.
import { serve } from "@hono/node-server";
import { randomUUID } from "node:crypto";
import postgres from "postgres";

const url = process.env.DATABASE_URL!;
const sql = postgres(url, { max: 10, onnotice: () => {} });
// The same columns, keys and indexes as the events table.
await sql.unsafe("create table if not exists bench_ceiling (like hookgate.events including all)");

serve({
  port: Number(process.env.PORT),
  fetch: async (request) => {
    const body = Buffer.from(await request.arrayBuffer());
    // The same row as an ingested event: raw bytes, the body as jsonb, kept headers.
    await sql`insert into bench_ceiling (source, provider, dedup_key, event_type, verified, raw_body, payload, headers)
              values ('clickup', 'clickup', ${randomUUID()}, 'taskCreated', true, ${body},
                      ${body.toString("utf8")}::text::jsonb, ${'{"content-type":"application/json"}'}::text::jsonb)`;
    return Response.json({ ok: true });
  },
});
console.log("ready");
