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

  it("treats an empty value as unset", () => {
    expect(loadConfig({ DATABASE_URL: "" }).store.transport).toBe("pglite");
  });

  it.each([
    [{ PORT: "eighty" }, "PORT"],
    [{ DATABASE_URL: "mysql://x" }, "DATABASE_URL"],
    [{ SUPABASE_URL: "https://x.supabase.co" }, "SUPABASE_SERVICE_ROLE_KEY"],
    [{ HOOKGATE_BODY_LIMIT_BYTES: "-1" }, "HOOKGATE_BODY_LIMIT_BYTES"],
    [{ VERCEL: "1" }, "SUPABASE_URL"],
  ])("names the invalid variable in %j", (env, name) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(name);
  });
});
