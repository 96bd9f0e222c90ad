import { describe, expect, it } from "vitest";
import {
  anyMatch,
  decodeBase64,
  decodeHex,
  hmac,
  only,
  sameBytes,
  signature,
  type Scheme,
} from "../../lib/signing/scheme.js";

describe("strict decoding", () => {
  it("decodes hex of either case", () => {
    expect(decodeHex("0aFf")).toEqual(Buffer.from([0x0a, 0xff]));
  });

  it.each(["", "abc", "zz", "0a f", "0x0a", "0a\n"])("refuses hex %j (Buffer.from would truncate it)", (text) => {
    expect(decodeHex(text)).toBeNull();
  });

  it("decodes padded base64", () => {
    expect(decodeBase64("aGk=")).toEqual(Buffer.from("hi"));
  });

  it.each(["", "aGk", "a-k=", "aGk==", "!!!!", "aG k="])("refuses base64 %j", (text) => {
    expect(decodeBase64(text)).toBeNull();
  });
});

describe("comparison", () => {
  it("treats different lengths as unequal instead of throwing", () => {
    expect(sameBytes(Buffer.from("ab"), Buffer.from("abc"))).toBe(false);
  });

  it("accepts a signature made with any listed secret (rotation)", () => {
    const signature = hmac("sha256", "new-secret", "body");
    const digest = (secret: string) => hmac("sha256", secret, "body");
    expect(anyMatch(["old-secret", "new-secret"], digest, [signature])).toBe(true);
    expect(anyMatch(["old-secret"], digest, [signature])).toBe(false);
  });
});

describe("misuse of a scheme throws (bad input never does)", () => {
  const unsignable: Scheme<object> = {
    algorithm: "sha256",
    encoding: "hex",
    read: () => ({ ok: false, reason: "missing_signature" }),
    signedBytes: () => null,
    write: (_, signatures) => ({ "x-signature": only(signatures) }),
  };

  it("signing fields the scheme cannot sign", () => {
    expect(() => signature(unsignable, {}, new Uint8Array(), "key")).toThrow("these fields cannot be signed");
  });

  it("writing several signatures into a single-signature header", () => {
    expect(() => unsignable.write({}, ["a", "b"])).toThrow("this scheme carries one signature, not 2");
    expect(() => unsignable.write({}, [])).toThrow("this scheme carries one signature, not 0");
  });
});
