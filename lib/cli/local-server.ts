// What `npm start` leaves under the data directory so that `npx hookgate` on the same
// machine can find it, and the lock that keeps two processes off one PGlite directory
// (PGlite is one session: a second process reads stale pages and, in time, aborts).
//
//   <data dir>/server.json   {url, pid, started_at}: written once the port is bound,
//                            removed on shutdown. The CLI talks to that URL.
//   <data dir>/store.lock    {pid, by}: held by whichever process has the embedded
//                            store open (the server, or a CLI command when none runs).
//   <data dir>/admin-token   the local ADMIN_TOKEN `npm start` made when none was set.
//
// A file whose pid is no longer alive is stale (a crash, a kill -9): it is ignored and
// replaced. A `memory://` store has no directory, so nothing is written for it.
import { randomBytes } from "node:crypto";
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface ServerFile {
  url: string;
  pid: number;
  started_at: string;
}

export interface LockHolder {
  pid: number;
  /** What holds it: "npm start", or the CLI command line. */
  by: string;
}

/** The store is open in another live process: the caller refuses in one line. */
export class StoreBusyError extends Error {
  override name = "StoreBusyError";
  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder,
  ) {
    super(
      holder.by === "npm start"
        ? `the store in ${dataDir} is held by hookgate (npm start, pid ${holder.pid}), which is starting or stopping: try again in a moment`
        : `the store in ${dataDir} is open in another process (${holder.by}, pid ${holder.pid}): wait for it to finish, then run this again`,
    );
  }
}

const onDisk = (dataDir: string) => !dataDir.startsWith("memory://");
const serverPath = (dataDir: string) => join(dataDir, "server.json");
const lockPath = (dataDir: string) => join(dataDir, "store.lock");
export const tokenPath = (dataDir: string) => join(dataDir, "admin-token");

/** True while a process with this pid exists (EPERM: it exists, another user's). */
export function pidAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch {
    return undefined;
  }
}

/** The server registered for this data directory, if its process is alive; a stale file is removed. */
export function runningServer(dataDir: string): ServerFile | null {
  if (!onDisk(dataDir)) return null;
  const file = readJson(serverPath(dataDir)) as Partial<ServerFile> | undefined;
  if (file === undefined) return null;
  if (typeof file.url === "string" && typeof file.pid === "number" && pidAlive(file.pid)) return file as ServerFile;
  rmSync(serverPath(dataDir), { force: true });
  return null;
}

/** Registers this process as the data directory's server (written whole, then renamed into place). */
export function writeServerFile(dataDir: string, url: string): void {
  if (!onDisk(dataDir)) return;
  mkdirSync(dataDir, { recursive: true });
  const file: ServerFile = { url, pid: process.pid, started_at: new Date().toISOString() };
  const temporary = `${serverPath(dataDir)}.${process.pid}`;
  writeFileSync(temporary, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, serverPath(dataDir));
}

/** Removes the server file if it is this process's. */
export function removeServerFile(dataDir: string): void {
  if (!onDisk(dataDir)) return;
  const file = readJson(serverPath(dataDir)) as Partial<ServerFile> | undefined;
  if (file?.pid === process.pid) rmSync(serverPath(dataDir), { force: true });
}

/**
 * Takes the embedded store's lock for this process, or throws StoreBusyError naming
 * the live process that holds it. `release()` gives it back (only if still ours).
 */
export function lockStore(dataDir: string, by: string): { release(): void } {
  if (!onDisk(dataDir)) return { release: () => {} };
  mkdirSync(dataDir, { recursive: true });
  const path = lockPath(dataDir);
  for (let tries = 0; ; tries++) {
    try {
      const fd = openSync(path, "wx", 0o600); // exclusive: fails if another process made it first
      writeFileSync(fd, JSON.stringify({ pid: process.pid, by } satisfies LockHolder));
      closeSync(fd);
      return {
        release: () => {
          if ((readJson(path) as Partial<LockHolder> | undefined)?.pid === process.pid) rmSync(path, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST" || tries >= 3) throw error;
    }
    const holder = readJson(path) as Partial<LockHolder> | undefined;
    if (holder && typeof holder.pid === "number" && pidAlive(holder.pid))
      throw new StoreBusyError(dataDir, { pid: holder.pid, by: String(holder.by ?? "unknown") });
    // Stale (its process is gone) or half-written: replace it.
    rmSync(path, { force: true });
  }
}

/**
 * The local admin token: the one kept in the data directory, or a new one (made, kept
 * with mode 0600, and `created: true` so the caller prints it once).
 */
export function localAdminToken(dataDir: string): { token: string; created: boolean; path: string | null } {
  if (!onDisk(dataDir)) return { token: randomBytes(24).toString("base64url"), created: true, path: null };
  const path = tokenPath(dataDir);
  const kept = readToken(dataDir);
  if (kept) return { token: kept, created: false, path };
  mkdirSync(dataDir, { recursive: true });
  const token = randomBytes(24).toString("base64url");
  writeFileSync(path, `${token}\n`, { mode: 0o600 });
  return { token, created: true, path };
}

/** The token `npm start` made for this data directory, if any. */
export function readToken(dataDir: string): string | undefined {
  if (!onDisk(dataDir)) return undefined;
  try {
    return readFileSync(tokenPath(dataDir), "utf8").trim() || undefined;
  } catch {
    return undefined;
  }
}
