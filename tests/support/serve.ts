// `npm start` (scripts/serve.ts) as a child process of a test: started with only the
// environment given (beside PATH, HOME, PORT=0 and LOG_LEVEL=warn), resolved once it
// printed the address it bound, stopped with SIGTERM.
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

export interface Served {
  child: ChildProcess;
  host: string;
  port: number;
  /** The address as printed: `http://<host>:<port>`. */
  printed: string;
}

export function serve(env: Record<string, string>): Promise<Served> {
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/serve.ts"], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", PORT: "0", LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const match = /hookgate listening on (http:\/\/(\S+):(\d+)\S*)/.exec(out);
      if (match)
        resolve({ child, printed: match[1]!, host: match[2]!.replace(/^\[|\]$/g, ""), port: Number(match[3]) });
    });
    child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
    child.once("exit", (code) => reject(new Error(`serve.ts exited (${code}) before listening: ${err}`)));
  });
}

export function stop(served: Served | undefined): Promise<void> {
  // Gone already: exited, or killed by a signal (then exitCode stays null).
  if (!served || served.child.exitCode !== null || served.child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    served.child.once("exit", () => resolve());
    served.child.kill("SIGTERM");
  });
}
