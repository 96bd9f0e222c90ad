// The rejected-request record on real PostgreSQL: one SQL function per operation,
// each row bounded, and retention in bounded batches.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Store } from "../../lib/store/store.js";
import { DATABASE_URL, freshDatabase, postgresStore, type TestDatabase } from "../support/postgres.js";

describe.skipIf(!DATABASE_URL)("rejected requests in PostgreSQL", () => {
  let db: TestDatabase;
  let store: Store;
  beforeAll(async () => {
    db = await freshDatabase();
    store = postgresStore(db.url, 2);
  });
  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  const record = (body: Buffer, retentionSeconds = 86_400) =>
    store.rejections.record({
      provider: "clickup",
      reason: "bad_signature",
      status: 401,
      clientIp: "203.0.113.5",
      headers: { "user-agent": "curl/8" },
      bodyPrefix: body,
      bodyBytes: body.length,
      retentionSeconds,
    });

  it("keeps at most 1 KiB of a (redacted) body prefix, and lists newest first", async () => {
    await record(Buffer.from("first"));
    await record(Buffer.alloc(10_000, 97));
    const rows = await store.rejections.list({ limit: 10 });
    expect(rows).toHaveLength(2);
    expect(Buffer.from(rows[0]!.body_prefix_base64, "base64")).toHaveLength(1024);
    expect(rows[0]!.body_bytes).toBe(10_000);
    expect(Buffer.from(rows[1]!.body_prefix_base64, "base64").toString()).toBe("first");
  });

  it("prunes past retention in bounded batches", async () => {
    await db.sql`update hookgate.rejected_requests set received_at = now() - interval '10 days'`;
    expect(await store.rejections.prune(7 * 86_400, 1)).toEqual({ deleted: 1 });
    expect(await store.rejections.prune(7 * 86_400, 100)).toEqual({ deleted: 1 });
  });

  it("is callable by service_role only", async () => {
    const [row] = await db.sql<{ anon: boolean }[]>`
      select has_function_privilege('public', 'public.hookgate_record_rejection(text,text,integer,text,jsonb,text,integer,integer)', 'execute') as anon`;
    expect(row?.anon).toBe(false);
  });
});
