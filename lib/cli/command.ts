// What every CLI command is: a name, one line of help, its usage, and a run that
// returns the exit code (0 done, 1 failed, 2 misused). Commands write through `io`, so
// tests run them in-process.
import { parseArgs, type ParseArgsConfig } from "node:util";
import { timeParam } from "../http/params.js";

type OptionsConfig = NonNullable<ParseArgsConfig["options"]>;

export interface Io {
  out(line: string): void;
  err(line: string): void;
  /** A line that replaces itself (a progress bar); a terminal shows it, a pipe need not. */
  progress?(line: string): void;
  /** The environment the command reads (process.env, plus .env when present). */
  env: Record<string, string | undefined>;
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  run(args: string[], io: Io): Promise<number>;
}

/** An event or user id as the store makes them: a UUID. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A misuse: printed with the command's usage, exit code 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** node:util parseArgs with positionals, a bad option turned into a UsageError. */
export function parseOptions<const T extends OptionsConfig>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, allowPositionals: true as const, strict: true as const });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/** The filters shared by the delivery commands (dlq, replay). */
export const deliveryFilterOptions = {
  destination: { type: "string" },
  provider: { type: "string" },
  type: { type: "string" },
  since: { type: "string" },
  until: { type: "string" },
  json: { type: "boolean" },
} as const satisfies OptionsConfig;

/** node:util parseArgs as the command configures it, with a misuse reported as a UsageError. */
export function options<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

const SPAN = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/**
 * `--since 2h` / `30m` / `7d` (that long before now), or an ISO 8601 time, as ISO 8601.
 * Anything else is a usage error naming the flag and the forms it takes.
 */
export function timeOption(flag: string, value: string | undefined, now = new Date()): string | undefined {
  if (value === undefined) return undefined;
  const relative = /^(\d{1,6})\s*(m|h|d)$/i.exec(value.trim());
  if (relative) {
    const unit = SPAN[relative[2]!.toLowerCase() as keyof typeof SPAN];
    return new Date(now.getTime() - Number(relative[1]) * unit).toISOString();
  }
  if (timeParam.safeParse(value.trim()).success) return new Date(value.trim()).toISOString();
  throw new UsageError(
    `--${flag}: "${value}" is not a time: give how long ago (30m, 2h, 7d) or an ISO 8601 time (2026-12-01T09:00:00Z)`,
  );
}

/** The one time format of the CLI's tables and lines: ISO 8601 in UTC, to the second. */
export function isoTime(value: string | null | undefined): string | null {
  if (!value) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? value : new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** An API parameter (`dedup_key`, `dryRun`) as the flag `--help` names (`--dedup-key`, `--dry-run`). */
export function flagOf(parameter: string): string {
  return `--${parameter.replace(/_/g, "-").replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/**
 * A name the store cannot know better than this list: an unknown one is a usage
 * error that lists the known ones, never a silently empty answer.
 */
export function knownName(flag: string, value: string | undefined, known: readonly string[]): void {
  if (value === undefined || known.includes(value)) return;
  throw new UsageError(
    `--${flag}: no ${flag} "${value}"; known: ${known.length ? [...known].sort().join(", ") : "none yet"}`,
  );
}

/** Columns padded to their widest cell: a table a person can read in a terminal. */
export function table(
  header: readonly string[],
  rows: readonly (readonly (string | number | null | undefined)[])[],
): string[] {
  const cells = [header, ...rows].map((row) => row.map((c) => (c === null || c === undefined ? "-" : String(c))));
  const widths = header.map((_, i) => Math.max(...cells.map((row) => row[i]!.length)));
  return cells.map((row) =>
    row
      .map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd(),
  );
}
