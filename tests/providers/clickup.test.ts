import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { clickup } from "../../lib/providers/clickup.js";
import type { WebhookRequest } from "../../lib/providers/types.js";
import { sample } from "../support/requests.js";

const secret = "clickup-test-secret";
const body = new TextEncoder().encode(sample("clickup", "taskCreated.json"));

function request(headers: Record<string, string>, bytes = body): WebhookRequest {
  return {
    body: bytes,
    headers: new Headers(headers),
    url: "https://hooks.example.com/api/webhooks/clickup",
    receivedAt: new Date(),
  };
}

const signed = () => request(clickup.sign({ body, secret, url: "", now: new Date() }));

describe("ClickUp signature", () => {
  it("matches a second implementation (openssl dgst -hmac)", () => {
    const openssl = execFileSync("openssl", ["dgst", "-sha256", "-hmac", secret, "-r"], { input: body })
      .toString()
      .split(" ")[0];
    expect(clickup.sign({ body, secret, url: "", now: new Date() })["x-signature"]).toBe(openssl);
  });

  it("verifies its own signature", () => {
    expect(clickup.verify(signed(), { secrets: [secret] })).toEqual({ ok: true, verified: true });
  });

  it("verifies with any secret of the list", () => {
    expect(clickup.verify(signed(), { secrets: ["retired", secret] })).toEqual({ ok: true, verified: true });
  });

  it("rejects a changed body byte", () => {
    const tampered = Uint8Array.from(body);
    tampered[10] = tampered[10]! ^ 1;
    const headers = clickup.sign({ body, secret, url: "", now: new Date() });
    expect(clickup.verify(request(headers, tampered), { secrets: [secret] })).toEqual({
      ok: false,
      reason: "bad_signature",
    });
  });

  it("rejects the wrong secret", () => {
    expect(clickup.verify(signed(), { secrets: ["other"] })).toEqual({ ok: false, reason: "bad_signature" });
  });

  it.each([
    ["missing", {}, "missing_signature"],
    ["not hex", { "x-signature": "not-hex!" }, "malformed_signature"],
    ["truncated", { "x-signature": "abcd" }, "bad_signature"],
    ["odd length", { "x-signature": "abc" }, "malformed_signature"],
  ])("rejects a %s signature", (_, headers, reason) => {
    expect(clickup.verify(request(headers as Record<string, string>), { secrets: [secret] })).toEqual({
      ok: false,
      reason,
    });
  });
});

describe("ClickUp dedup key", () => {
  const parse = (json: unknown) => clickup.parse(request({}, new TextEncoder().encode(JSON.stringify(json))));

  it("is webhook, event and history item ids, in any order", () => {
    const a = parse({ event: "taskUpdated", webhook_id: "w1", history_items: [{ id: "2" }, { id: "1" }] });
    const b = parse({ event: "taskUpdated", webhook_id: "w1", history_items: [{ id: "1" }, { id: "2" }], extra: true });
    expect(a.ok && a.event.dedupKey).toBe("w1:taskUpdated:1,2");
    expect(b.ok && b.event.dedupKey).toBe("w1:taskUpdated:1,2");
  });

  it("falls back to a hash of the body when there are no history items", () => {
    const first = parse({ event: "taskDeleted", webhook_id: "w1", task_id: "t1" });
    const other = parse({ event: "taskDeleted", webhook_id: "w1", task_id: "t2" });
    expect(first.ok && first.event.dedupKey).toMatch(/^w1:taskDeleted:sha256:[0-9a-f]{64}$/);
    expect(first.ok && other.ok && first.event.dedupKey).not.toBe(other.ok && other.event.dedupKey);
  });

  it("falls back to a hash of the body when an item id is a number too large to be exact", () => {
    // 2^60 + 1 and 2^60 read as the same double: keyed by id, two events would collide.
    const text = (id: string) => `{"event":"taskUpdated","webhook_id":"w1","history_items":[{"id":${id}}]}`;
    const parse = (json: string) => clickup.parse(request({}, new TextEncoder().encode(json)));
    const a = parse(text("1152921504606846977"));
    const b = parse(text("1152921504606846976"));
    expect(a.ok && a.event.dedupKey).toMatch(/^w1:taskUpdated:sha256:[0-9a-f]{64}$/);
    expect(a.ok && b.ok && a.event.dedupKey).not.toBe(b.ok && b.event.dedupKey);
  });

  it("takes the event name as the type", () => {
    const parsed = clickup.parse(request({}));
    expect(parsed.ok && parsed.event.type).toBe("taskCreated");
  });

  it.each([
    ["empty", ""],
    ["not JSON", "event=taskCreated"],
    ["missing webhook_id", JSON.stringify({ event: "taskCreated" })],
    ["a JSON array", "[]"],
  ])("refuses a body that is %s", (_, text) => {
    expect(clickup.parse(request({}, new TextEncoder().encode(text))).ok).toBe(false);
  });
});
