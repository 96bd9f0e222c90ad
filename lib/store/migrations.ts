// Applies supabase/migrations/*.sql in name order, each once, inside the caller's
// transaction and under an advisory lock, so concurrent starts cannot race.
//
// Migrations are append-only: a file, once applied, is never edited; a change is a new
// file. The sha256 of each applied file is kept with its version, and a start whose
// file differs from what was applied refuses, naming the file, instead of running on a
// schema that the files no longer describe.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const MIGRATIONS_DIR = fileURLToPath(new URL("../../supabase/migrations/", import.meta.url));

export interface Migration {
  version: string;
  /** The file's path, for messages. */
  file: string;
  sql: string;
  /** sha256 of the file's text, hex. */
  checksum: string;
}

export interface AppliedMigration {
  version: string;
  /** Null for a row applied before checksums were kept: filled in on the next start. */
  checksum: string | null;
}

/** A transaction to migrate in: a parameterless multi-statement exec and a row query. */
export interface MigrationSession {
  exec(sql: string): Promise<void>;
  /** The rows of APPLIED_QUERY. */
  applied(): Promise<AppliedMigration[]>;
}

export const APPLIED_QUERY = "select version, checksum from hookgate.schema_migrations";

/** An applied migration's file is no longer the one that was applied. */
export class MigrationChangedError extends Error {
  override name = "MigrationChangedError";
  constructor(readonly file: string) {
    super(
      `${file} has changed since it was applied: migrations are append-only. ` +
        "Restore the file as it was and put the change in a new migration.",
    );
  }
}

export function readMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith(".sql"))
    .sort()
    .map((name) => {
      const file = join(dir, name);
      const sql = readFileSync(file, "utf8");
      return { version: name.replace(/\.sql$/, ""), file, sql, checksum: checksum(sql) };
    });
}

export function checksum(sql: string): string {
  return createHash("sha256").update(sql, "utf8").digest("hex");
}

/** Returns the versions it applied; throws MigrationChangedError before applying any. */
export async function applyMigrations(session: MigrationSession, migrations = readMigrations()): Promise<string[]> {
  await session.exec(`
    select pg_advisory_xact_lock(7461626);
    create schema if not exists hookgate;
    create table if not exists hookgate.schema_migrations (
      version text primary key,
      applied_at timestamptz not null default now()
    );
    alter table hookgate.schema_migrations add column if not exists checksum text;`);
  const files = new Map(migrations.map((m) => [m.version, m]));
  const applied = await session.applied();
  for (const row of applied) {
    // A version without a file here was applied by a newer release (this one is a
    // rollback): nothing to compare it with, and it is not this release's to judge.
    const migration = files.get(row.version);
    if (!migration) continue;
    if (row.checksum === null) {
      await session.exec(
        `update hookgate.schema_migrations set checksum = ${literal(migration.checksum)} where version = ${literal(row.version)}`,
      );
    } else if (row.checksum !== migration.checksum) {
      throw new MigrationChangedError(migration.file);
    }
  }
  const done = new Set(applied.map((row) => row.version));
  const pending = migrations.filter((m) => !done.has(m.version));
  for (const migration of pending) {
    await session.exec(migration.sql);
    await session.exec(
      `insert into hookgate.schema_migrations (version, checksum) values (${literal(migration.version)}, ${literal(migration.checksum)})`,
    );
  }
  return pending.map((m) => m.version);
}

function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}
