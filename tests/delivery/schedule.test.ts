import { describe, expect, it } from "vitest";
import { nextAttemptAt } from "../../lib/delivery/schedule.js";
import { DEFAULT_SCHEDULE_MS, MAX_RETRY_AFTER_MS, type RetryPolicy } from "../../lib/routing/policy.js";
import { classifyStatus, parseRetryAfter } from "../../lib/destinations/http-answer.js";

const now = new Date("2026-11-22T00:00:00Z");
const retry = { kind: "retry" as const, error: "HTTP 503", errorClass: "http_503" };
const noJitter = () => 0.5; // 2 * 0.5 - 1 = 0: the scheduled delay exactly
const after = (ms: number) => new Date(now.getTime() + ms);

describe("nextAttemptAt", () => {
  it("follows the default schedule: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h, then dead", () => {
    const delays = [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000];
    delays.forEach((ms, i) => {
      expect(nextAttemptAt(i + 1, retry, { now, random: noJitter })).toEqual({ kind: "retry", at: after(ms) });
    });
    expect(DEFAULT_SCHEDULE_MS).toHaveLength(8);
    expect(nextAttemptAt(8, retry, { now, random: noJitter })).toEqual({ kind: "dead", reason: "exhausted" });
  });

  it("jitters by at most 10 % each way", () => {
    expect(nextAttemptAt(2, retry, { now, random: () => 0 })).toEqual({ kind: "retry", at: after(270_000) });
    expect(nextAttemptAt(2, retry, { now, random: () => 0.999999 })).toEqual({ kind: "retry", at: after(330_000) });
  });

  it("honours a Retry-After longer than the schedule, capped at a day", () => {
    expect(nextAttemptAt(1, { ...retry, retryAfterMs: 120_000 }, { now, random: noJitter })).toEqual({
      kind: "retry",
      at: after(120_000),
    });
    expect(nextAttemptAt(3, { ...retry, retryAfterMs: 1_000 }, { now, random: noJitter })).toEqual({
      kind: "retry",
      at: after(1_800_000),
    });
    expect(nextAttemptAt(1, { ...retry, retryAfterMs: 10 * MAX_RETRY_AFTER_MS }, { now, random: noJitter })).toEqual({
      kind: "retry",
      at: after(MAX_RETRY_AFTER_MS),
    });
  });

  it("dead-letters a dead outcome at once and passes a delivery through", () => {
    expect(nextAttemptAt(1, { kind: "dead", error: "HTTP 410", errorClass: "http_410" }, { now })).toEqual({
      kind: "dead",
      reason: "rejected",
    });
    expect(nextAttemptAt(1, { kind: "delivered", status: 200 }, { now })).toEqual({ kind: "delivered" });
  });

  it("uses a destination's own schedule", () => {
    const policy: RetryPolicy = { schedule: [0, 1_000], jitter: 0, retryClientErrors: false };
    expect(nextAttemptAt(1, retry, { now, policy })).toEqual({ kind: "retry", at: after(1_000) });
    expect(nextAttemptAt(2, retry, { now, policy })).toEqual({ kind: "dead", reason: "exhausted" });
  });
});

describe("classifyStatus", () => {
  it.each([200, 201, 204, 299])("%i is delivered", (status) => {
    expect(classifyStatus(status, undefined).kind).toBe("delivered");
  });
  it.each([408, 429, 500, 502, 503, 504])("%i is retried", (status) => {
    expect(classifyStatus(status, undefined)).toEqual({ kind: "retry", errorClass: `http_${status}` });
  });
  it("410 is dead at once", () => {
    expect(classifyStatus(410, undefined, { retryClientErrors: true })).toEqual({
      kind: "dead",
      errorClass: "http_410",
    });
  });
  it.each([400, 401, 403, 404, 422])("%i is dead unless the destination retries client errors", (status) => {
    expect(classifyStatus(status, undefined).kind).toBe("dead");
    expect(classifyStatus(status, undefined, { retryClientErrors: true }).kind).toBe("retry");
    expect(classifyStatus(status, undefined, { retryClientErrors: [status] }).kind).toBe("retry");
    expect(classifyStatus(status, undefined, { retryClientErrors: [499] }).kind).toBe("dead");
  });
  it.each([301, 302, 307, 308, 101])(
    "%i is retried, never followed (the body would go somewhere unsigned for), whatever the client-error policy",
    (status) => {
      expect(classifyStatus(status, undefined)).toEqual({ kind: "retry", errorClass: `http_${status}` });
      expect(classifyStatus(status, undefined, { retryClientErrors: [status] }).kind).toBe("retry");
    },
  );
  it("carries Retry-After into a retry", () => {
    expect(classifyStatus(429, 7_000)).toEqual({ kind: "retry", errorClass: "http_429", retryAfterMs: 7_000 });
  });
});

describe("parseRetryAfter", () => {
  it("reads seconds and HTTP dates", () => {
    expect(parseRetryAfter("120", now)).toBe(120_000);
    expect(parseRetryAfter(" 0 ", now)).toBe(0);
    expect(parseRetryAfter("Sun, 22 Nov 2026 00:01:00 GMT", now)).toBe(60_000);
    expect(parseRetryAfter("Sat, 21 Nov 2026 00:00:00 GMT", now)).toBe(0);
  });
  it("ignores what it cannot read", () => {
    for (const value of [null, undefined, "", "-5", "1.5", "soon", "12abc"])
      expect(parseRetryAfter(value, now)).toBeUndefined();
  });
});
