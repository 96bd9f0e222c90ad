// What every CLI command is: a name, one line of help, its usage, and a run that
// returns the exit code (0 done, 1 failed, 2 misused). Commands write through `io`, so
// tests run them in-process.
export interface Io {
  out(line: string): void;
  err(line: string): void;
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
