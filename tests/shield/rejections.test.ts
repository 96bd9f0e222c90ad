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
    store.rpc.call<{ id: number }>("hookgate_record_rejection", {
      p_provider: "clickup",
      p_reason: "bad_signature",
      p_status: 401,
      p_client_ip: "203.0.113.5",
      p_headers: { "user-agent": "curl/8" },
      p_body_prefix_base64: body.toString("base64"),
      p_body_bytes: body.length,
      p_retention_seconds: retentionSeconds,
    });

  it("keeps at most 1 KiB of a (redacted) body prefix, and lists newest first", async () => {
    await record(Buffer.from("first"));
    await record(Buffer.alloc(10_000, 97));
    const rows = await store.rpc.call<{ body_prefix_base64: string; body_bytes: number; reason: string }[]>(
      "hookgate_list_rejections",
      { p_limit: 10 },
    );
    expect(rows).toHaveLength(2);
    expect(Buffer.from(rows[0]!.body_prefix_base64, "base64")).toHaveLength(1024);
    expect(rows[0]!.body_bytes).toBe(10_000);
    expect(Buffer.from(rows[1]!.body_prefix_base64, "base64").toString()).toBe("first");
  });

  it("prunes past retention in bounded batches", async () => {
    await db.sql`update hookgate.rejected_requests set received_at = now() - interval '10 days'`;
    expect(await store.rpc.call("hookgate_prune_rejections", { p_retention_seconds: 7 * 86_400, p_batch: 1 })).toEqual({
      deleted: 1,
    });
    expect(
      await store.rpc.call("hookgate_prune_rejections", { p_retention_seconds: 7 * 86_400, p_batch: 100 }),
    ).toEqual({ deleted: 1 });
  });

  it("is callable by service_role only", async () => {
    const [row] = await db.sql<{ anon: boolean }[]>`
      select has_function_privilege('public', 'public.hookgate_record_rejection(text,text,integer,text,jsonb,text,integer,integer)', 'execute') as anon`;
    expect(row?.anon).toBe(false);
  });
});
