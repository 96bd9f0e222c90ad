// Applies supabase/migrations/*.sql in name order, each once, inside the caller's
// transaction and under an advisory lock, so concurrent starts cannot race.
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const MIGRATIONS_DIR = fileURLToPath(new URL("../../supabase/migrations/", import.meta.url));

export interface Migration {
  version: string;
  sql: string;
}

/** A transaction to migrate in: a parameterless multi-statement exec and a row query. */
export interface MigrationSession {
  exec(sql: string): Promise<void>;
  versions(): Promise<string[]>;
}

export function readMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith(".sql"))
    .sort()
    .map((name) => ({ version: name.replace(/\.sql$/, ""), sql: readFileSync(dir + name, "utf8") }));
}

/** Returns the versions it applied. */
export async function applyMigrations(session: MigrationSession, migrations = readMigrations()): Promise<string[]> {
  await session.exec(`
    select pg_advisory_xact_lock(7461626);
    create schema if not exists hookgate;
    create table if not exists hookgate.schema_migrations (
      version text primary key,
      applied_at timestamptz not null default now()
    );`);
  const applied = new Set(await session.versions());
  const pending = migrations.filter((m) => !applied.has(m.version));
  for (const migration of pending) {
    await session.exec(migration.sql);
    await session.exec(
      `insert into hookgate.schema_migrations (version) values ('${migration.version.replace(/'/g, "''")}')`,
    );
  }
  return pending.map((m) => m.version);
}

export const VERSIONS_QUERY = "select version from hookgate.schema_migrations";
