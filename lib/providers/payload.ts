// Reading a verified body. Bodies are decoded strictly: a provider never sends
// invalid UTF-8, so a body that is not is malformed rather than silently repaired.
import type { z } from "zod";
import type { Parsed, ProviderEvent } from "./types.js";

const utf8 = new TextDecoder("utf-8", { fatal: true });

export function bodyText(body: Uint8Array): string | null {
  try {
    return utf8.decode(body);
  } catch {
    return null;
  }
}

/** JSON body checked against a schema of the fields hookgate reads (others are kept, not checked). */
export function parseJson<T>(body: Uint8Array, schema: z.ZodType<T>): { ok: true; value: T } | { ok: false; reason: string } {
  const text = bodyText(body);
  if (text === null) return { ok: false, reason: "body is not UTF-8" };
  if (text.trim() === "") return { ok: false, reason: "body is empty" };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, reason: "body is not JSON" };
  }
  const checked = schema.safeParse(json);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    return { ok: false, reason: `unexpected body: ${issue?.path.join(".") || "(root)"} ${issue?.message ?? ""}`.trim() };
  }
  return { ok: true, value: checked.data };
}

export function accepted(event: ProviderEvent): Parsed {
  return { ok: true, event };
}
