// Reading a verified body: strict UTF-8, a byte-order mark dropped, and a refusal that
// names what the body lacks.
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { bodyIdentity, bodyText, formObject, parseForm, parseJson } from "../../lib/providers/payload.js";
import { encode } from "./helpers.js";

const Event = z.looseObject({ type: z.string().min(1) });

describe("a body read as JSON", () => {
  it("drops a leading byte-order mark, as a Windows-made sender may add one", () => {
    const withBom = Uint8Array.from([0xef, 0xbb, 0xbf, ...encode('{"type":"a"}')]);
    expect(bodyText(withBom)).toBe('{"type":"a"}');
    expect(parseJson(withBom, Event)).toEqual({ ok: true, value: { type: "a" } });
  });

  it.each([
    ["not UTF-8", Uint8Array.from([0x7b, 0xc3, 0x28, 0x7d]), "body is not UTF-8"],
    ["empty", encode("  \n"), "body is empty"],
    ["not JSON", encode("{type:a}"), "body is not JSON"],
    ["missing a field", encode("{}"), expect.stringMatching(/^unexpected body: type \S/)],
  ])("is refused when %s", (_, body, reason: unknown) => {
    expect(parseJson(body, Event)).toEqual({ ok: false, reason });
  });

  it("names the root when the body is not an object at all", () => {
    const result = parseJson(encode("[1]"), Event);
    expect(!result.ok && result.reason).toMatch(/^unexpected body: \(root\) /);
  });
});

describe("a body read as a form", () => {
  it("decodes + and %-escapes, keeping every value of a repeated key", () => {
    const form = parseForm(encode("a=1+2&b=%C3%A9&a=3"));
    expect(form && formObject(form)).toEqual({ a: ["1 2", "3"], b: "é" });
  });

  it("is null when the body is not UTF-8", () => {
    expect(parseForm(Uint8Array.from([0x61, 0x3d, 0xff]))).toBeNull();
  });
});

describe("the identity of signed bytes", () => {
  it("separates the same bytes under different contexts, and keeps one context's apart from none", () => {
    const body = encode('{"id":1}');
    expect(bodyIdentity(body, "topic:a")).not.toBe(bodyIdentity(body, "topic:b"));
    expect(bodyIdentity(body, "topic:a")).not.toBe(bodyIdentity(body));
    expect(bodyIdentity(body)).toBe(bodyIdentity(encode('{"id":1}')));
  });
});
