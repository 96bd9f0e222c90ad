#!/usr/bin/env node
// `npx hookgate <command>`: registers tsx so the TypeScript CLI runs as it is, then
// hands over to lib/cli/main.ts.
import { register } from "tsx/esm/api";

// `npx hookgate dlq | head` closes the pipe early: that is not an error.
process.stdout.on("error", (error) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});
register();
const { main } = await import("../lib/cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
