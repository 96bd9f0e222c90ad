// What derived fields become when stored (lib/store/storable.ts): pure rules, no database.
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  MAX_DEDUP_KEY_BYTES,
  MAX_PAYLOAD_DEPTH,
  MAX_TYPE_CHARS,
  storableDedupKey,
  storableHeaders,
  storablePayload,
  storableText,
  storableType,
} from "../../lib/store/storable.js";

const sha256 = (text: string) => `sha256:${createHash("sha256").update(text).digest("hex")}`;
const nested = (depth: number): unknown => {
  let value: unknown = 1;
  for (let i = 1; i < depth; i++) value = [value];
  return [value];
};

describe("dedup keys", () => {
  it("keeps a short plain key as it is", () => {
    expect(storableDedupKey("evt_1")).toBe("evt_1");
    expect(storableDedupKey("é".repeat(MAX_DEDUP_KEY_BYTES / 2))).toBe("é".repeat(MAX_DEDUP_KEY_BYTES / 2));
  });

  it("hashes a key over 200 UTF-8 bytes: sha256:<hex> of the key", () => {
    const long = "x".repeat(MAX_DEDUP_KEY_BYTES + 1);
    expect(storableDedupKey(long)).toBe(sha256(long));
    expect(storableDedupKey("é".repeat(101))).toBe(sha256("é".repeat(101)));
  });

  it("hashes a key holding a NUL, or a lone surrogate, and keeps two such keys apart", () => {
    expect(storableDedupKey("a\u0000b")).toBe(sha256("a\u0000b"));
    const high = storableDedupKey("k\ud83d");
    const other = storableDedupKey("k\ud83e");
    expect(high).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(high).not.toBe(other);
    expect(storableDedupKey("k\ud83d\ude00")).toBe("k\ud83d\ude00"); // a whole pair is plain text
  });
});

describe("text", () => {
  it("replaces NUL and lone surrogates with U+FFFD, keeping whole pairs", () => {
    expect(storableText("a\u0000b\ud83dc\udc00\ud83d\ude00")).toBe("a\ufffdb\ufffdc\ufffd\ud83d\ude00");
  });

  it("cuts types to 200 characters, never between the halves of a pair", () => {
    expect(storableType("t".repeat(10_000))).toHaveLength(MAX_TYPE_CHARS);
    const cut = storableType("t".repeat(MAX_TYPE_CHARS - 1) + "\ud83d\ude00")!;
    expect(cut).toBe("t".repeat(MAX_TYPE_CHARS - 1));
    expect(storableType(null)).toBeNull();
  });

  it("makes header names and values storable (a surrogate or NUL kept from a header)", () => {
    expect(storableHeaders({ "x-id": "a\ud800", "x-nul": "b\u0000" })).toEqual({
      "x-id": "a\ufffd",
      "x-nul": "b\ufffd",
    });
  });
});

describe("payloads", () => {
  it("keeps objects and arrays jsonb can hold, and nulls scalars without a reason", () => {
    const payload = { a: [1, "ok", { b: null }], "\ud83d\ude00": true };
    expect(storablePayload(payload)).toEqual({ payload, error: null });
    expect(storablePayload("text")).toEqual({ payload: null, error: null });
    expect(storablePayload(null)).toEqual({ payload: null, error: null });
  });

  it.each([
    ["a lone surrogate in a value", { a: ["x\ud83d"] }, /lone UTF-16 surrogate/],
    ["a lone surrogate in a key", { a: { "\udc00": 1 } }, /lone UTF-16 surrogate/],
    ["a NUL in a value", { a: "x\u0000" }, /NUL/],
    ["a NUL in a key", { "a\u0000": 1 }, /NUL/],
  ])("nulls a payload with %s, saying why", (_, payload, reason) => {
    const result = storablePayload(payload);
    expect(result.payload).toBeNull();
    expect(result.error).toMatch(reason);
  });

  it(`keeps ${MAX_PAYLOAD_DEPTH} levels, and nulls one more (and 100,000) without using the stack`, () => {
    expect(storablePayload(nested(MAX_PAYLOAD_DEPTH)).error).toBeNull();
    expect(storablePayload(nested(MAX_PAYLOAD_DEPTH + 1)).error).toBe(`nested deeper than ${MAX_PAYLOAD_DEPTH} levels`);
    expect(storablePayload(nested(100_000)).error).toBe(`nested deeper than ${MAX_PAYLOAD_DEPTH} levels`);
  });
});
