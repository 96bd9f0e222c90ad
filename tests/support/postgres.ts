// Real PostgreSQL for tests, when DATABASE_URL is set: each test file gets a database
// of its own, migrated, and dropped afterwards, so files run in parallel safely.
import postgres from "postgres";
import { migratePostgres, postgresRpc } from "../../lib/store/postgres.js";
import { createStore, type Store } from "../../lib/store/store.js";

export const DATABASE_URL = process.env.DATABASE_URL;

export interface TestDatabase {
  url: string;
  sql: postgres.Sql;
  drop(): Promise<void>;
}

export async function freshDatabase(): Promise<TestDatabase> {
  if (!DATABASE_URL) throw new Error("DATABASE_URL is not set");
  const name = `hookgate_test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = postgres(DATABASE_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = withDatabase(DATABASE_URL, name);
  await migratePostgres(url);
  const sql = postgres(url, { max: 4, onnotice: () => {} });
  return {
    url,
    sql,
    drop: async () => {
      await sql.end({ timeout: 5 });
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end({ timeout: 5 });
    },
  };
}

export function postgresStore(url: string, max = 10): Store {
  return createStore(postgresRpc(url, { max }));
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
