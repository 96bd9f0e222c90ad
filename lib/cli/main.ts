// The `hookgate` CLI: `npx hookgate <command> [args]`. Each command is a file in
// lib/cli/commands/, listed in commands/index.ts.
import { existsSync } from "node:fs";
import { UsageError, type Io } from "./command.js";
import { commands } from "./commands/index.js";

const defaultIo = (): Io => {
  if (existsSync(".env")) process.loadEnvFile(".env");
  return {
    out: (line) => console.log(line),
    err: (line) => console.error(line),
    // Redrawn in place on a terminal; left out of pipes and logs.
    progress: (line) => {
      if (process.stderr.isTTY) process.stderr.write(`\r\x1b[2K${line}`);
    },
    env: process.env,
  };
};

export async function main(argv: string[], io: Io = defaultIo()): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === "help" || name === "--help" || name === "-h") {
    await help(io);
    return name ? 0 : 2;
  }
  const load = commands[name];
  if (!load) {
    io.err(`hookgate: unknown command "${name}"`);
    await help(io);
    return 2;
  }
  const { command } = await load();
  if (args.includes("--help") || args.includes("-h")) {
    io.out(command.usage);
    return 0;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`hookgate ${name}: ${error.message}`);
      io.err(command.usage);
      return 2;
    }
    // One line naming the cause and what to do; the stack only when asked for.
    io.err(`hookgate ${name}: ${error instanceof Error ? error.message : String(error)}`);
    if (io.env.LOG_LEVEL === "debug" && error instanceof Error && error.stack) io.err(error.stack);
    return 1;
  }
}

async function help(io: Io): Promise<void> {
  io.out("usage: npx hookgate <command> [options]   (--help after a command for its options)\n");
  for (const load of Object.values(commands)) {
    const { command } = await load();
    io.out(`  ${command.name.padEnd(10)} ${command.summary}`);
  }
  io.out("\nWith HOOKGATE_URL and ADMIN_TOKEN set, commands talk to that deployment's admin API;");
  io.out("otherwise to the `npm start` running on this machine's data directory (HOOKGATE_DATA_DIR, .hookgate/),");
  io.out(
    "or, when none runs, straight to the store this machine is configured for (DATABASE_URL, Supabase, or .hookgate/).",
  );
}
