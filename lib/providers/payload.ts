// Reading a verified body. Bodies are decoded strictly: a provider never sends
// invalid UTF-8, so a body that is not is malformed rather than silently repaired.
import { isUtf8 } from "node:buffer";
import { createHash } from "node:crypto";
import * as z from "../config/zod.js";
import { sha256Hex } from "../signing/scheme.js";
import type { Parsed, ProviderEvent } from "./types.js";

/** The body as text, or null when it is not UTF-8 (a leading byte-order mark is dropped). */
export function bodyText(body: Uint8Array): string | null {
  const bytes = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (!isUtf8(bytes)) return null;
  const text = bytes.toString("utf8");
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** A body read against a schema: its value, or why it is not what the provider sends. */
export type Checked<T> = { ok: true; value: T } | { ok: false; reason: string };

/** JSON body checked against a schema of the fields hookgate reads (others are kept, not checked). */
export function parseJson<T>(body: Uint8Array, schema: z.Schema<T>): Checked<T> {
  const text = bodyText(body);
  if (text === null) return { ok: false, reason: "body is not UTF-8" };
  if (text.trim() === "") return { ok: false, reason: "body is empty" };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, reason: "body is not JSON" };
  }
  return checked(schema, json);
}

/**
 * A signed event, as the provider reads it. Any id or type is acceptable here, even one
 * Postgres could not hold as it is (a NUL, half a surrogate pair, 10 KB long): the store
 * bounds and hashes derived fields (lib/store/storable.ts), so a signed event is stored,
 * never refused with an answer its every retry would get again.
 */
export function accepted(event: ProviderEvent): Parsed {
  return { ok: true, event };
}

/**
 * The identity of signed bytes: what a dedup key is made of when the provider's own id
 * travels in a header it does not sign (a replay could change that header at will). A
 * retry repeats the same bytes; `context` separates bodies that mean different events.
 */
export function bodyIdentity(body: Uint8Array, context?: string): string {
  if (context === undefined) return `sha256:${sha256Hex(body)}`;
  return `sha256:${createHash("sha256").update(context).update("\n").update(body).digest("hex")}`;
}

export function isFormRequest(headers: Headers): boolean {
  return (headers.get("content-type") ?? "").toLowerCase().includes("application/x-www-form-urlencoded");
}

/** A form body's parameters (`+` and %-escapes decoded), or null when it is not UTF-8. */
export function parseForm(body: Uint8Array): URLSearchParams | null {
  const text = bodyText(body);
  return text === null ? null : new URLSearchParams(text);
}

/** Form parameters as a plain object for storage; a repeated key keeps every value. */
export function formObject(params: URLSearchParams): Record<string, string | string[]> {
  const object: Record<string, string | string[]> = {};
  for (const key of new Set(params.keys())) {
    const values = params.getAll(key);
    object[key] = values.length === 1 ? values[0]! : values;
  }
  return object;
}

/** An already-parsed value checked against a schema of the fields hookgate reads. */
export function checked<T>(schema: z.Schema<T>, value: unknown): Checked<T> {
  const result = z.safeParse(schema, value);
  if (!result.success) {
    const issue = result.error.issues[0];
    return {
      ok: false,
      reason: `unexpected body: ${issue?.path.join(".") || "(root)"} ${issue?.message ?? ""}`.trim(),
    };
  }
  return { ok: true, value: result.data };
}
