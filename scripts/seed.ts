// `npm run db:seed`: runs supabase/seed.sql (the ClickUp routing directory, which the
// team edits) against the configured store, after the migrations: DATABASE_URL when
// set (Supabase's direct or session-pooler URL included), else the embedded PGlite in
// HOOKGATE_DATA_DIR. PGlite is one process: while `npm start` (or a CLI command) has it
// open, this refuses in one line (lib/cli/local-server.ts, the store's lock).
import { existsSync, readFileSync } from "node:fs";
import { lockStore, StoreBusyError } from "../lib/cli/local-server.js";
import { loadConfig } from "../lib/config/env.js";
import { seedDatabase, SEED_FILE } from "../lib/store/seed.js";

if (existsSync(".env")) process.loadEnvFile(".env");
const { store } = loadConfig();
const file = process.argv[2] ?? SEED_FILE;
const sql = readFileSync(file, "utf8");
if (store.transport === "supabase") {
  console.error(
    "the Supabase Data API cannot run SQL files: set DATABASE_URL to the project's direct or session-pooler URL",
  );
  process.exit(2);
}
let lock: { release(): void } | undefined;
try {
  lock = store.transport === "pglite" ? lockStore(store.dataDir, "npm run db:seed") : undefined;
} catch (error) {
  if (!(error instanceof StoreBusyError)) throw error;
  console.error(`db:seed: ${error.message} (stop npm start first)`);
  process.exit(1);
}
try {
  await seedDatabase(store, sql);
} finally {
  lock?.release();
}
console.log(`seeded ${store.transport === "pglite" ? `pglite (${store.dataDir})` : "postgres"} from ${file}`);
