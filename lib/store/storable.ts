// What a verified event's derived fields become when stored. The raw bytes are always
// kept as they came; the fields read from them (dedup key, type, payload, headers) are
// best effort and bounded, so that no signed body can make the insert fail the same way
// on every retry (the provider would meet an endless 503 and finally give up).
//
// What Postgres refuses, and therefore what is made safe here:
//   - text and jsonb cannot hold NUL (U+0000), which JSON can escape (\u0000);
//   - jsonb refuses a lone UTF-16 surrogate escape ("\ud83d": half an emoji), and text
//     would silently turn it into U+FFFD;
//   - a btree entry (the dedup key's unique index) over ~2,700 bytes fails the insert;
//   - JSON.stringify, which every driver uses for jsonb, overflows the stack near 5,000
//     levels of nesting, and Postgres's own JSON parser has a depth limit too.
import { createHash } from "node:crypto";

/** Dedup keys longer than this (UTF-8 bytes) are stored as `sha256:<hex>` of the key. */
export const MAX_DEDUP_KEY_BYTES = 200;
/** Event types are cut to this many characters. */
export const MAX_TYPE_CHARS = 200;
/** Payloads nested deeper than this are not stored as jsonb (real webhooks nest < 20). */
export const MAX_PAYLOAD_DEPTH = 256;

const REPLACEMENT = "\uFFFD";
// In a /u pattern a surrogate pair is one code point: only a lone half matches \p{Cs}.
const LONE_SURROGATE = /\p{Cs}/u;
const LONE_SURROGATES = /\p{Cs}/gu;

/**
 * The key as stored: itself when it is short, plain text; otherwise `sha256:` and the hex
 * SHA-256 of its UTF-8 bytes. A key holding a lone surrogate (which UTF-8 cannot spell)
 * is hashed in its JSON form, which spells each surrogate as `\uXXXX`, so two such keys
 * stay apart.
 */
export function storableDedupKey(key: string): string {
  const wellFormed = !LONE_SURROGATE.test(key);
  if (wellFormed && !key.includes("\0") && Buffer.byteLength(key) <= MAX_DEDUP_KEY_BYTES) return key;
  return `sha256:${createHash("sha256")
    .update(wellFormed ? key : JSON.stringify(key))
    .digest("hex")}`;
}

/** Text Postgres can hold: NUL and lone surrogates become U+FFFD, and at most `max` characters. */
export function storableText(text: string, max = Infinity): string {
  let safe = text.includes("\0") ? text.replaceAll("\0", REPLACEMENT) : text;
  if (LONE_SURROGATE.test(safe)) safe = safe.replace(LONE_SURROGATES, REPLACEMENT);
  if (safe.length <= max) return safe;
  // Never cut between the two halves of a surrogate pair.
  const end = isHighSurrogate(safe.charCodeAt(max - 1)) ? max - 1 : max;
  return safe.slice(0, end);
}

export function storableType(type: string | null): string | null {
  return type === null ? null : storableText(type, MAX_TYPE_CHARS);
}

export function storableHeaders(headers: Record<string, string>): Record<string, string> {
  const safe: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) safe[storableText(name)] = storableText(value);
  return safe;
}

/** The payload as jsonb will take it, or null and why not (kept with the event as payload_error). */
export type StorablePayload = { payload: unknown; error: null } | { payload: null; error: string | null };

/**
 * Objects and arrays are stored as they are when jsonb can hold them; anything else
 * (no payload, a bare string or number) is null with no error. Walked without recursion,
 * so a body nested 100,000 deep costs a loop, not the stack.
 */
export function storablePayload(payload: unknown): StorablePayload {
  if (typeof payload !== "object" || payload === null) return { payload: null, error: null };
  const error = jsonbProblem(payload);
  return error === null ? { payload, error: null } : { payload: null, error };
}

function jsonbProblem(root: object): string | null {
  const stack: [unknown, number][] = [[root, 1]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (typeof value === "string") {
      const problem = stringProblem(value);
      if (problem) return problem;
      continue;
    }
    if (typeof value !== "object" || value === null) continue;
    if (depth > MAX_PAYLOAD_DEPTH) return `nested deeper than ${MAX_PAYLOAD_DEPTH} levels`;
    if (Array.isArray(value)) {
      for (const item of value) stack.push([item, depth + 1]);
      continue;
    }
    for (const [key, item] of Object.entries(value)) {
      const problem = stringProblem(key);
      if (problem) return problem;
      stack.push([item, depth + 1]);
    }
  }
  return null;
}

function stringProblem(text: string): string | null {
  if (text.includes("\0")) return "a string holds a NUL character (\\u0000), which jsonb cannot store";
  if (LONE_SURROGATE.test(text))
    return "a string holds a lone UTF-16 surrogate (half of a character), which jsonb cannot store";
  return null;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
