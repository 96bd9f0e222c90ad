// A PostgreSQL cluster a test owns: its own data directory in a temp folder, its own
// port, started and stopped by the test (an outage on demand) and removed afterwards.
// Never the shared server. initdb refuses to run as root, so as root the cluster runs
// as the `postgres` OS user.
import { execFileSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface OwnPostgres {
  url: string;
  /** Stops the server: `immediate` is a crash (no checkpoint), `fast` a clean shutdown. */
  stop(mode?: "immediate" | "fast"): void;
  /** Starts it again and waits until it accepts connections. */
  start(): void;
  /** Freezes (SIGSTOP) or thaws (SIGCONT) every process of the cluster: a server that hangs. */
  freeze(): void;
  thaw(): void;
  remove(): void;
}

/** The newest PostgreSQL's bin directory with initdb and pg_ctl, or undefined. */
export function postgresBinaries(): string | undefined {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, "bin", "initdb")) && existsSync(join(root, v, "bin", "pg_ctl")))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], "bin") : undefined;
}

const asRoot = process.getuid?.() === 0;

export async function ownPostgres(bin: string): Promise<OwnPostgres> {
  const dir = mkdtempSync(join(tmpdir(), "hookgate-own-pg-"));
  const data = join(dir, "data");
  if (asRoot) {
    const uid = Number(execFileSync("id", ["-u", "postgres"]).toString().trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"]).toString().trim());
    chownSync(dir, uid, gid);
  }
  const run = (tool: string, args: string[]) =>
    asRoot
      ? execFileSync("runuser", ["-u", "postgres", "--", join(bin, tool), ...args], { stdio: "pipe" })
      : execFileSync(join(bin, tool), args, { stdio: "pipe" });
  const port = await freePort();
  run("initdb", ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"]);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50`;
  const start = () => run("pg_ctl", ["-D", data, "-l", join(dir, "log"), "-o", options, "-w", "-t", "30", "start"]);
  const stop = (mode: "immediate" | "fast" = "immediate") => run("pg_ctl", ["-D", data, "-m", mode, "-w", "stop"]);
  const signalAll = (signal: "STOP" | "CONT") => {
    // The postmaster (first line of postmaster.pid) and its children: backends,
    // checkpointer, ...: a whole server paused.
    const postmaster = readFileSync(join(data, "postmaster.pid"), "utf8").split("\n")[0]!.trim();
    let children: string[] = [];
    try {
      children = execFileSync("pgrep", ["-P", postmaster]).toString().trim().split(/\s+/);
    } catch {
      // no children yet
    }
    execFileSync("kill", [`-${signal}`, postmaster, ...children]);
  };
  start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop,
    start,
    freeze: () => signalAll("STOP"),
    thaw: () => signalAll("CONT"),
    remove() {
      try {
        signalAll("CONT");
      } catch {
        // not running
      }
      try {
        stop("immediate");
      } catch {
        // already stopped
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}
