// The one schema kit for operator input (admin, cron and dashboard routes, and the CLI
// that shares their schemas; the endpoint frame applies it as its query and body pieces): every parameter is checked before it reaches the store,
// so malformed input is a 400 naming the parameter, never a 503 from a database that
// refused it (a NUL byte in a text value, a year Postgres cannot hold).
import * as z from "../config/zod.js";
import { Rejection } from "./errors.js";

/** C0 controls (NUL included) and DEL: never part of a name, a key or an id. */
const CONTROL = /[\u0000-\u001f\u007f]/;
/** With the u flag, only a surrogate without its pair matches (text no database can encode). */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/** A short text value (a provider, a type, a destination, a task id): trimmed, printable, bounded. */
export function textParam(max = 200, { trim = true } = {}) {
  return z.string({ error: "must be text" }).check(
    ...(trim ? [z.trim()] : []),
    z.minLength(1, "must not be empty"),
    z.maxLength(max, `is too long (at most ${max} characters)`),
    z.refine((s) => !CONTROL.test(s), "must not contain control characters (NUL, newline, …)"),
    z.refine((s) => !LONE_SURROGATE.test(s), "must be valid Unicode"),
  );
}

/** Years Postgres, JavaScript and every client agree on: nothing before the epoch, nothing past 9999. */
export const MIN_TIME = Date.UTC(1970, 0, 1);
export const MAX_TIME = Date.UTC(10000, 0, 1) - 1;

const ISO_TIME = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}(:?\d{2})?)?)?$/i;
const TIME_MESSAGE = "must be an ISO 8601 date or time from 1970 to 9999, e.g. 2026-11-22T10:00:00Z";

/** Whether a parsed time lies in the range above. */
export function inTimeRange(ms: number): boolean {
  return Number.isFinite(ms) && ms >= MIN_TIME && ms <= MAX_TIME;
}

/** An ISO 8601 date or time (text only: a bare number is not a time), years 1970–9999. */
export const timeParam = z.pipe(
  z.string({ error: TIME_MESSAGE }).check(
    z.maxLength(40, TIME_MESSAGE),
    z.refine((s) => ISO_TIME.test(s) && inTimeRange(Date.parse(s)), TIME_MESSAGE),
  ),
  z.transform((s) => new Date(s)),
);

/** A whole number from `min` to `max`, given as a query string or a JSON number. */
export function intParam(min: number, max: number, what = `a number from ${min} to ${max}`) {
  const message = `must be ${what}`;
  const given = z.union([z.number(), z.string().check(z.regex(/^\s*-?\d{1,16}\s*$/, message))], { error: message });
  return z.pipe(z.pipe(given, z.transform(Number)), z.int(message).check(z.gte(min, message), z.lte(max, message)));
}

/** A page size: 1 to `max`. */
export const limitParam = (max = 500) => intParam(1, max);

/** The query string as an object; a parameter given twice is refused by name. */
export function queryOf(request: Request): Record<string, string> {
  const query: Record<string, string> = {};
  for (const [name, value] of new URL(request.url).searchParams) {
    if (name in query) throw badParameters(`${name}: given more than once`);
    query[name] = value;
  }
  return query;
}

/** Input through a schema; every problem named (`since: must be …; limit: …`), as one 400. */
export function parseParams<T>(schema: z.Schema<T>, input: unknown, whole = "query"): T {
  const parsed = z.safeParse(schema, input);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const name = issue.code === "unrecognized_keys" ? issue.keys.join(", ") : issue.path.join(".") || whole;
    const message = issue.code === "unrecognized_keys" ? "not a parameter of this route" : issue.message;
    return `${printable(name)}: ${message}`;
  });
  throw badParameters(problems.join("; "));
}

/** A parameter name as it may be echoed: an attacker's name with control characters is shown escaped. */
function printable(name: string): string {
  const shown = name.length > 60 ? `${name.slice(0, 60)}…` : name;
  return CONTROL.test(shown) ? JSON.stringify(shown) : shown;
}

/** JSON text as a value; anything else is a 400 `invalid_json`. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new Rejection("bad_request", "the body must be JSON", {}, "invalid_json");
  }
}

function badParameters(message: string): Rejection {
  return new Rejection("bad_request", message, {}, "invalid_parameters");
}
