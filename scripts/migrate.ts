// `npm run db:migrate`: applies supabase/migrations to DATABASE_URL.
import { existsSync } from "node:fs";
import { loadConfig } from "../lib/config/env.js";
import { MigrationChangedError } from "../lib/store/migrations.js";
import { migratePostgres } from "../lib/store/postgres.js";

if (existsSync(".env")) process.loadEnvFile(".env");
const { env } = loadConfig();
if (!env.DATABASE_URL) {
  console.error("DATABASE_URL is not set (for Supabase, its direct or session-pooler connection string)");
  process.exit(2);
}
try {
  const applied = await migratePostgres(env.DATABASE_URL);
  console.log(applied.length ? `applied: ${applied.join(", ")}` : "up to date");
} catch (error) {
  // An applied migration was edited: say which, without a stack trace.
  if (!(error instanceof MigrationChangedError)) throw error;
  console.error(error.message);
  process.exit(1);
}
