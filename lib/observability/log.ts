// Structured logs: one JSON object per line, on stdout, filtered by LOG_LEVEL.
// Callers pass fields, never whole bodies or headers: nothing logged may hold a secret.

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const;
export type LogLevel = keyof typeof LEVELS;

let threshold: number = LEVELS.info;

export function setLogLevel(level: LogLevel): void {
  threshold = LEVELS[level];
}

export type LogFields = Record<string, unknown>;

function write(level: Exclude<LogLevel, "silent">, msg: string, fields: LogFields): void {
  if (LEVELS[level] < threshold) return;
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields })}\n`);
}

export const log = {
  debug: (msg: string, fields: LogFields = {}) => write("debug", msg, fields),
  info: (msg: string, fields: LogFields = {}) => write("info", msg, fields),
  warn: (msg: string, fields: LogFields = {}) => write("warn", msg, fields),
  error: (msg: string, fields: LogFields = {}) => write("error", msg, fields),
};

/** An error as log fields: its class and message, not its cause chain or properties. */
export function errorFields(error: unknown): LogFields {
  return error instanceof Error ? { error: error.name, error_message: error.message } : { error: String(error) };
}
