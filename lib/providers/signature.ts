// Signature primitives shared by the providers: HMAC over raw bytes, strict decoding,
// and a constant-time comparison against every configured secret.
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { Verification } from "./types.js";

type Algorithm = "sha1" | "sha256";
type Bytes = Uint8Array | string;

export function hmac(algorithm: Algorithm, key: Bytes, ...parts: Bytes[]): Buffer {
  const mac = createHmac(algorithm, key);
  for (let i = 0; i < parts.length; i++) mac.update(parts[i]!);
  return mac.digest();
}

export function sha256Hex(data: Bytes): string {
  return createHash("sha256").update(data).digest("hex");
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Hex to bytes, or null when the text is not exactly hex. Buffer.from stops at the
 * first pair that is not hex, so the text is hex exactly when every character was
 * decoded (checked this way, not by a regex: this is on every request's path).
 */
export function decodeHex(text: string): Buffer | null {
  if (text.length === 0 || text.length % 2 !== 0) return null;
  const bytes = Buffer.from(text, "hex");
  return bytes.length * 2 === text.length ? bytes : null;
}

/** Canonical padded base64 to bytes, or null (Buffer.from would silently skip bad characters). */
export function decodeBase64(text: string): Buffer | null {
  return text.length > 0 && BASE64.test(text) ? Buffer.from(text, "base64") : null;
}

/** Constant-time equality; a length mismatch is a plain `false`, never an exception. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * True when any candidate signature equals the digest of any secret. Every secret's
 * digest is computed once, and every pair compared in constant time.
 */
export function anyMatch(
  secrets: readonly string[],
  digest: (secret: string) => Uint8Array,
  candidates: readonly Uint8Array[],
): boolean {
  let matched = false;
  for (const secret of secrets) {
    const expected = digest(secret);
    for (const candidate of candidates) matched = sameBytes(expected, candidate) || matched;
  }
  return matched;
}

/**
 * Every candidate from a signature list that decodes; null when there were candidates
 * but none decoded (a malformed header), an empty list when there were none.
 */
export function decodeAll(texts: readonly string[], decode: (text: string) => Buffer | null): Buffer[] | null {
  const decoded: Buffer[] = [];
  for (let i = 0; i < texts.length; i++) {
    const bytes = decode(texts[i]!);
    if (bytes !== null) decoded.push(bytes);
  }
  return decoded.length === 0 && texts.length > 0 ? null : decoded;
}

/** The verification a signature comparison amounts to. */
export function signatureVerdict(valid: boolean): Verification {
  return valid ? { ok: true, verified: true } : { ok: false, reason: "bad_signature" };
}

/**
 * True when any candidate equals the HMAC of `parts` under any of the keys: anyMatch
 * for the common case, with no closure made per request (this is the hot path).
 */
export function hmacMatches(
  algorithm: Algorithm,
  keys: readonly Bytes[],
  candidates: readonly Uint8Array[],
  ...parts: Bytes[]
): boolean {
  let matched = false;
  for (let k = 0; k < keys.length; k++) {
    const mac = createHmac(algorithm, keys[k]!);
    for (let p = 0; p < parts.length; p++) mac.update(parts[p]!);
    const expected = mac.digest();
    for (let c = 0; c < candidates.length; c++) matched = sameBytes(expected, candidates[c]!) || matched;
  }
  return matched;
}
