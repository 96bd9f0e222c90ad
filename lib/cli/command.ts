// What every CLI command is: a name, one line of help, its usage, and a run that
// returns the exit code (0 done, 1 failed, 2 misused). Commands write through `io`, so
// tests run them in-process.
import { parseArgs, type ParseArgsConfig } from "node:util";

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

/** `--since 2h` / `30m` / `7d`, or an ISO 8601 time, as ISO 8601. */
export function timeOption(value: string | undefined, now = new Date()): string | undefined {
  if (value === undefined) return undefined;
  const relative = /^(\d+)(m|h|d)$/.exec(value.trim());
  if (relative) {
    const unit = { m: 60_000, h: 3_600_000, d: 86_400_000 }[relative[2] as "m" | "h" | "d"];
    return new Date(now.getTime() - Number(relative[1]) * unit).toISOString();
  }
  return value;
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
