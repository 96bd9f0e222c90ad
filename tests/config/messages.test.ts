// Config errors a person can read: every number variable says its rule, not zod's words.
//
// Regression: "`PORT=abc` gives zod's raw 'expected number, received NaN'" (issue 12).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../lib/config/env.js";

/** The message loadConfig throws for this one variable. */
function problem(name: string, value: string): string {
  try {
    loadConfig({ [name]: value });
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`${name}=${value} was accepted`);
}

// Every number variable of lib/config/env.ts, read from its source so a new one is covered too.
const source = readFileSync(new URL("../../lib/config/env.ts", import.meta.url), "utf8");
// A variable is a number when its schema is a coerced number, with a default or without.
const numbers = [
  ...source.matchAll(/^\s+([A-Z][A-Z0-9_]+):\s*(?:z\._default\(\s*|z\.optional\(\s*)?z\.coerce\s*\.number\(/gm),
].map((m) => m[1]!);

describe("config errors", () => {
  it("finds the number variables", () => {
    expect(numbers).toContain("PORT");
    expect(numbers.length).toBeGreaterThan(15);
  });

  it.each([
    ["PORT", "abc", "PORT: must be a whole number from 0 to 65535"],
    ["PORT", "70000", "PORT: must be a whole number from 0 to 65535"],
    ["PORT", "80.5", "PORT: must be a whole number from 0 to 65535"],
    ["HOOKGATE_MAX_CONNECTIONS", "0", "HOOKGATE_MAX_CONNECTIONS: must be a whole number at least 1"],
    ["HOOKGATE_STORE_TIMEOUT_MS", "10", "HOOKGATE_STORE_TIMEOUT_MS: must be a whole number from 50 to 60000"],
    ["ALERT_SUCCESS_RATE_BELOW", "two", "ALERT_SUCCESS_RATE_BELOW: must be a number above 0 and at most 1"],
    ["AGENT_SDK_TIMEOUT_MS", "soon", "AGENT_SDK_TIMEOUT_MS: must be milliseconds from 1 to 45000"],
  ])("%s=%s says %j", (name, value, message) => {
    expect(problem(name, value)).toBe(`invalid environment: ${message}`);
  });

  it.each(numbers)("%s, not a number, names its rule in words of its own", (name) => {
    const message = problem(name, "abc");
    expect(message).toMatch(new RegExp(`^invalid environment: ${name}: must be `));
    expect(message).not.toMatch(/expected|received|NaN|Invalid input/);
  });
});
