// A built Vercel function called the way an instance runs it: its handler (the
// `.vc-config.json` handler of its `.func` directory) imported in a fresh Node process
// that has only the environment given, then sent Requests, one after another.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

export interface SentRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
}

export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** A Request as the child process rebuilds it. */
export async function sent(request: Request): Promise<SentRequest> {
  return {
    url: request.url,
    method: request.method,
    headers: Object.fromEntries(request.headers),
    body: request.body ? await request.text() : undefined,
  };
}

const MARK = "built-function-answers ";

// Runs in the fresh process. It stays `lingerMs` after the answers, for the work after
// them (a report to Sentry), then exits: open connections would keep it alive.
const CHILD = `
const [handler, input] = process.argv.slice(1);
const { requests, lingerMs } = JSON.parse(input);
const { default: fn } = await import(handler);
const answers = [];
for (const r of requests) {
  const response = await fn.fetch(new Request(r.url, { method: r.method, headers: r.headers, body: r.body }));
  answers.push({ status: response.status, headers: Object.fromEntries(response.headers), body: await response.text() });
}
console.log(${JSON.stringify(MARK)} + JSON.stringify(answers));
setTimeout(() => process.exit(0), lingerMs);
`;

export async function callBuilt(
  funcDir: string,
  env: Record<string, string>,
  requests: SentRequest[],
  { lingerMs = 0 } = {},
): Promise<Answer[]> {
  const { handler } = JSON.parse(readFileSync(join(funcDir, ".vc-config.json"), "utf8")) as { handler: string };
  const child = spawn(
    process.execPath,
    [
      "--input-type=module",
      "-e",
      CHILD,
      pathToFileURL(join(funcDir, handler)).href,
      JSON.stringify({ requests, lingerMs }),
    ],
    { env: { PATH: process.env.PATH ?? "", ...env }, stdio: ["ignore", "pipe", "pipe"] },
  );
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  const line = stdout.split("\n").find((l) => l.startsWith(MARK));
  if (code !== 0 || !line) throw new Error(`the built function failed (exit ${code}): ${stderr.trim() || stdout}`);
  return JSON.parse(line.slice(MARK.length)) as Answer[];
}
