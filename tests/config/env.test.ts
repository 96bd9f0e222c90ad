import { resolve } from "node:path";
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

describe("the KV", () => {
  it("prefers Upstash REST, then REDIS_URL, else counts in memory", () => {
    const upstash = { UPSTASH_REDIS_REST_URL: "https://eu1.upstash.io", UPSTASH_REDIS_REST_TOKEN: "tok" };
    expect(loadConfig({ ...upstash, REDIS_URL: "redis://r:6379" }).kv).toEqual({
      transport: "upstash",
      url: "https://eu1.upstash.io",
      token: "tok",
    });
    expect(loadConfig({ REDIS_URL: "rediss://r:6380" }).kv).toEqual({ transport: "redis", url: "rediss://r:6380" });
    expect(loadConfig({}).kv).toEqual({ transport: "memory" });
  });

  it.each([
    [{ UPSTASH_REDIS_REST_URL: "https://eu1.upstash.io" }, "UPSTASH_REDIS_REST_TOKEN"],
    [{ UPSTASH_REDIS_REST_TOKEN: "tok" }, "UPSTASH_REDIS_REST_TOKEN"],
    [{ REDIS_URL: "http://r:6379" }, "REDIS_URL"],
  ])("names the invalid variable in %j", (env, name) => {
    expect(() => loadConfig(env)).toThrow(name);
  });
});

describe("the default KV prefix", () => {
  const prefix = (env: Record<string, string>) => loadConfig(env).kvPrefix;

  it("on Vercel without an environment name, is the project's 'unknown' one", () => {
    const vercel = { VERCEL: "1", DATABASE_URL: "postgres://h/db", VERCEL_PROJECT_ID: "prj_a" };
    expect(prefix(vercel)).toBe("hookgate:prj_a:unknown:");
    expect(prefix({ ...vercel, VERCEL_TARGET_ENV: "staging", VERCEL_ENV: "preview" })).toBe("hookgate:prj_a:staging:");
  });

  it("on Vercel without a project id, is the store's", () => {
    expect(prefix({ VERCEL: "1", DATABASE_URL: "postgres://h/db" })).toBe(prefix({ DATABASE_URL: "postgres://h/db" }));
  });

  it("for the embedded store, is its directory's wherever it is spelled from", () => {
    expect(prefix({ HOOKGATE_DATA_DIR: ".hookgate" })).toBe(prefix({ HOOKGATE_DATA_DIR: resolve(".hookgate") }));
    expect(prefix({ HOOKGATE_DATA_DIR: "./.hookgate/" })).toBe(prefix({ HOOKGATE_DATA_DIR: ".hookgate" }));
  });

  it("is HOOKGATE_KV_PREFIX when set, as it is", () => {
    expect(prefix({ HOOKGATE_KV_PREFIX: "acme/staging:", DATABASE_URL: "postgres://h/db" })).toBe("acme/staging:");
  });

  it("for a database URL the URL parser refuses, is still the store's own (hashed, never in clear)", () => {
    const odd = prefix({ DATABASE_URL: "postgres://user:pw@[not-a-host/db" });
    expect(odd).toMatch(/^hookgate:[0-9a-f]{12}:$/);
    expect(odd).not.toBe(prefix({ DATABASE_URL: "postgres://user:pw@[not-a-host/other" }));
  });

  it("for in-memory stores, is each one's own", () => {
    const a = prefix({ HOOKGATE_DATA_DIR: "memory://a" });
    expect(a).toMatch(/^hookgate:[0-9a-f]{12}:$/);
    expect(a).not.toBe(prefix({ HOOKGATE_DATA_DIR: "memory://b" }));
  });

  it("for Supabase, is the project's, never holding its key", () => {
    const supabase = (url: string) => prefix({ SUPABASE_URL: url, SUPABASE_SERVICE_ROLE_KEY: "service-role-key" });
    expect(supabase("https://a.supabase.co")).not.toBe(supabase("https://b.supabase.co"));
    expect(supabase("https://a.supabase.co")).not.toContain("service-role-key");
  });
});

describe("the Agent SDK forward", () => {
  it("needs its signing secret", () => {
    expect(() => loadConfig({ AGENT_SDK_URL: "https://agent.example/hook" })).toThrow(
      "AGENT_SDK_SECRET: AGENT_SDK_URL is set, so the forward needs AGENT_SDK_SECRET",
    );
    const secret = "whsec_" + Buffer.alloc(32, 3).toString("base64");
    expect(
      loadConfig({ AGENT_SDK_URL: "https://agent.example/hook", AGENT_SDK_SECRET: secret }).env.AGENT_SDK_URL,
    ).toBe("https://agent.example/hook");
  });

  it("takes only an http(s) URL", () => {
    expect(() => loadConfig({ AGENT_SDK_URL: "ftp://agent.example/hook" })).toThrow(
      "AGENT_SDK_URL: must be an http(s) URL",
    );
  });
});
