// The security variables parse once, with errors that name the variable.
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../lib/config/env.js";
import { parseRateSpec } from "../../lib/config/rate-spec.js";

describe("security configuration", () => {
  it("defaults: 1000/10s per IP, 100 failed verifications per 5 min (above the alert threshold), no source limits, duplicates 200", () => {
    const { env } = loadConfig({});
    expect(env.RATE_LIMIT_PER_IP).toEqual({ limit: 1000, windowMs: 10_000 });
    expect(env.RATE_LIMIT_FAILED_VERIFICATIONS).toEqual({ limit: 100, windowMs: 300_000 });
    // A single-IP attack must alert before its failures are answered 429.
    expect(env.RATE_LIMIT_FAILED_VERIFICATIONS!.limit).toBeGreaterThan(env.SECURITY_ALERT_THRESHOLD + 1);
    expect(env.HOOKGATE_TRUST_PROXY).toBe("auto");
    expect(env.REJECTION_BODY_PREFIX_BYTES).toBe(0);
    expect(env.RATE_LIMIT_PER_SOURCE).toBeUndefined();
    expect(env.DUPLICATE_STATUS).toBe(200);
    expect([
      env.SECURITY_ALERT_THRESHOLD,
      env.SECURITY_ALERT_WINDOW_SECONDS,
      env.SECURITY_ALERT_COOLDOWN_SECONDS,
    ]).toEqual([20, 300, 900]);
  });

  it.each([
    ["5/s", { limit: 5, windowMs: 1000 }],
    ["20 / 5m", { limit: 20, windowMs: 300_000 }],
    ["100/250ms", { limit: 100, windowMs: 250 }],
    ["3/2h", { limit: 3, windowMs: 7_200_000 }],
    ["OFF", null],
    ["0/s", undefined],
    ["lots", undefined],
    ["10/10", undefined],
  ])("reads the rate %j", (text, spec) => {
    expect(parseRateSpec(text)).toEqual(spec);
  });

  it("reads per-source limits, * for the rest", () => {
    expect(loadConfig({ RATE_LIMIT_PER_SOURCE: "clickup=5/s, *=100/10s" }).env.RATE_LIMIT_PER_SOURCE).toEqual({
      clickup: { limit: 5, windowMs: 1000 },
      "*": { limit: 100, windowMs: 10_000 },
    });
  });

  it.each([
    [{ RATE_LIMIT_PER_IP: "fast" }, "RATE_LIMIT_PER_IP"],
    [{ RATE_LIMIT_FAILED_VERIFICATIONS: "20" }, "RATE_LIMIT_FAILED_VERIFICATIONS"],
    [{ RATE_LIMIT_PER_SOURCE: "clickup" }, "RATE_LIMIT_PER_SOURCE"],
    [{ RATE_LIMIT_TIMEOUT_MS: "0" }, "RATE_LIMIT_TIMEOUT_MS"],
    [{ DUPLICATE_STATUS: "500" }, "DUPLICATE_STATUS"],
    [{ SLACK_BOT_TOKEN: "xoxb-1" }, "ALERT_CHANNEL_ID"],
    [{ SENTRY_DSN: "not a url" }, "SENTRY_DSN"],
    [{ SECURITY_ALERT_THRESHOLD: "-1" }, "SECURITY_ALERT_THRESHOLD"],
    [{ REJECTION_BODY_PREFIX_BYTES: "4096" }, "REJECTION_BODY_PREFIX_BYTES"],
    [{ HOOKGATE_KV_PREFIX: "has space" }, "HOOKGATE_KV_PREFIX"],
  ])("names the invalid variable in %j", (env, name) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(name);
  });
});
