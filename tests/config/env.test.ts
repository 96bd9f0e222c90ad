import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../lib/config/env.js";

describe("config", () => {
  it("defaults to the embedded store and memory counters", () => {
    const config = loadConfig({});
    expect(config.store).toEqual({ transport: "pglite", dataDir: ".hookgate" });
    expect(config.kv).toEqual({ transport: "memory" });
    expect(config.port).toBe(3000);
    expect(config.bodyLimitBytes).toBe(1024 * 1024);
    expect(config.secrets.clickup).toEqual([]);
  });

  it("splits secret lists for rotation", () => {
    expect(loadConfig({ CLICKUP_WEBHOOK_SECRET: " old , new ,," }).secrets.clickup).toEqual(["old", "new"]);
  });

  it("prefers Supabase, then DATABASE_URL", () => {
    const both = {
      SUPABASE_URL: "https://x.supabase.co",
      SUPABASE_SERVICE_ROLE_KEY: "k",
      DATABASE_URL: "postgres://h/db",
    };
    expect(loadConfig(both).store.transport).toBe("supabase");
    expect(loadConfig({ DATABASE_URL: "postgres://h/db" }).store.transport).toBe("postgres");
  });

  it("bounds a group-commit batch at 64 webhooks and 1 MiB unless told otherwise", () => {
    expect(loadConfig({}).ingestBatch).toEqual({ maxItems: 64, maxBytes: 1024 * 1024 });
    expect(
      loadConfig({ HOOKGATE_INGEST_BATCH_MAX_ITEMS: "8", HOOKGATE_INGEST_BATCH_MAX_BYTES: "65536" }).ingestBatch,
    ).toEqual({ maxItems: 8, maxBytes: 65536 });
  });

  it("treats an empty value as unset", () => {
    expect(loadConfig({ DATABASE_URL: "" }).store.transport).toBe("pglite");
  });

  it.each([
    [{ PORT: "eighty" }, "PORT"],
    [{ DATABASE_URL: "mysql://x" }, "DATABASE_URL"],
    [{ SUPABASE_URL: "https://x.supabase.co" }, "SUPABASE_SERVICE_ROLE_KEY"],
    [{ HOOKGATE_BODY_LIMIT_BYTES: "-1" }, "HOOKGATE_BODY_LIMIT_BYTES"],
    [{ HOOKGATE_INGEST_BATCH_MAX_ITEMS: "0" }, "HOOKGATE_INGEST_BATCH_MAX_ITEMS"],
    [{ HOOKGATE_INGEST_BATCH_MAX_BYTES: "a lot" }, "HOOKGATE_INGEST_BATCH_MAX_BYTES"],
    [{ VERCEL: "1" }, "SUPABASE_URL"],
  ])("names the invalid variable in %j", (env, name) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(name);
  });
});
