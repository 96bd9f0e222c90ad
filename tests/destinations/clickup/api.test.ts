// How a refused ClickUp call becomes an attempt outcome, and how long ClickUp asks to wait.
import { describe, expect, it } from "vitest";
import { httpFailure, retryAfterMs } from "../../../lib/destinations/clickup/api.js";

const NOW = Date.parse("2026-11-22T04:00:00Z");

describe("retryAfterMs", () => {
  it.each([
    ["Retry-After in seconds", { "retry-after": "30" }, 30_000],
    ["Retry-After as an HTTP date", { "retry-after": "Sun, 22 Nov 2026 04:00:05 GMT" }, 5_000],
    ["Retry-After in the past", { "retry-after": "Sun, 22 Nov 2026 03:59:00 GMT" }, 0],
    ["ClickUp's X-RateLimit-Reset (unix seconds)", { "x-ratelimit-reset": String(NOW / 1000 + 42) }, 42_000],
    [
      "Retry-After winning over the reset time",
      { "retry-after": "3", "x-ratelimit-reset": String(NOW / 1000 + 42) },
      3_000,
    ],
    ["nothing said", {}, undefined],
    ["garbage", { "retry-after": "soon" }, undefined],
  ])("%s", (_, headers, expected) => {
    expect(retryAfterMs(new Headers(headers), NOW)).toBe(expected);
  });
});

describe("httpFailure", () => {
  it.each([
    [500, "retry", "clickup_unavailable"],
    [502, "retry", "clickup_unavailable"],
    [429, "retry", "clickup_rate_limited"],
    [401, "dead", "clickup_unauthorized"],
    [404, "dead", "clickup_not_found"],
    [403, "dead", "clickup_http_403"],
    [400, "dead", "clickup_http_400"],
  ] as const)("%i → %s (%s)", (status, kind, errorClass) => {
    expect(httpFailure("PUT", "/task/t1", status, new Headers(), "{}", NOW)).toMatchObject({
      kind,
      status,
      errorClass,
    });
  });

  it("keeps ClickUp's own error text and code, and at most 500 characters of the body", () => {
    const failure = httpFailure(
      "GET",
      "/task/t1",
      404,
      new Headers(),
      JSON.stringify({ err: "Task not found", ECODE: "ITEM_013", pad: "x".repeat(900) }),
      NOW,
    );
    expect(failure.error).toBe(
      "GET /task/t1: 404, the task does not exist (deleted) or the token's user cannot see it (Task not found, ITEM_013)",
    );
    expect(failure.response).toHaveLength(500);
  });
});
