// The preferences a user may hold, set by keywords ("LANG es") and through the admin API
// (lib/routes/users.ts): the language of their messages and the channel they get them on.
// The opt-out is a preference too, kept as its own state (STOP / START, or `opted_out`).
import * as z from "../../config/zod.js";
import { LANGUAGES } from "./intent.js";

export const PREFERENCE_RULES = z.strictObject({
  language: z.optional(z.nullable(z.enum(LANGUAGES, { error: `must be one of ${LANGUAGES.join(", ")}` }))),
  channel: z.optional(z.nullable(z.enum(["whatsapp", "sms"], { error: "must be whatsapp or sms" }))),
});

/** The keys to set (a null removes one), as the store merges them. */
export function preferenceUpdate(given: z.output<typeof PREFERENCE_RULES>): Record<string, string | null> {
  const update: Record<string, string | null> = {};
  for (const [key, value] of Object.entries(given)) if (value !== undefined) update[key] = value;
  return update;
}
