// Migrations are append-only: the runner keeps the sha256 of every file it applied and
// refuses to start, naming the file, when an applied file has changed since. Each case
// runs on PGlite (reopened from its folder) and on real PostgreSQL (DATABASE_URL).
import { appendFileSync, cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { checksum, MIGRATIONS_DIR, MigrationChangedError, readMigrations } from "../../lib/store/migrations.js";
import { pgliteRpc } from "../../lib/store/pglite.js";
import { migratePostgres } from "../../lib/store/postgres.js";
import { DATABASE_URL, freshDatabase } from "../support/postgres.js";

const DELIVERY = "20261122000100_delivery.sql";

interface Target {
  /** Opens (migrating) with the migrations of `dir`; resolves when it would start. */
  open(dir: string): Promise<void>;
  query<T>(sql: string): Promise<T[]>;
  close(): Promise<void>;
}

async function pgliteTarget(): Promise<Target> {
  const dataDir = mkdtempSync(join(tmpdir(), "hookgate-migrations-pglite-"));
  const open = async (dir: string) => {
    const rpc = await pgliteRpc(dataDir, { migrations: readMigrations(dir) });
    await rpc.close();
  };
  await open(MIGRATIONS_DIR);
  return {
    open,
    query: async <T>(sql: string) => {
      const rpc = await pgliteRpc(dataDir, { migrations: [] });
      try {
        return (await rpc.db.query<T>(sql)).rows;
      } finally {
        await rpc.close();
      }
    },
    close: async () => rmSync(dataDir, { recursive: true, force: true }),
  };
}

async function postgresTarget(): Promise<Target> {
  const db = await freshDatabase(); // migrated with MIGRATIONS_DIR
  return {
    open: async (dir) => {
      await migratePostgres(db.url, readMigrations(dir));
    },
    query: async <T>(sql: string) => [...(await db.sql.unsafe(sql))] as T[],
    close: () => db.drop(),
  };
}

const targets: { name: string; skip: boolean; make: () => Promise<Target> }[] = [
  { name: "PGlite", skip: false, make: pgliteTarget },
  { name: "PostgreSQL (skipped: DATABASE_URL is not set)", skip: !DATABASE_URL, make: postgresTarget },
];

for (const { name, skip, make } of targets) {
  describe.skipIf(skip)(`migration checksums on ${name}`, () => {
    let target: Target;
    let dir: string;
    beforeEach(async () => {
      target = await make();
      dir = mkdtempSync(join(tmpdir(), "hookgate-migrations-"));
      cpSync(MIGRATIONS_DIR, dir, { recursive: true });
    });
    afterEach(async () => {
      await target.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it("keeps the sha256 of every applied file", async () => {
      const rows = await target.query<{ version: string; checksum: string }>(
        "select version, checksum from hookgate.schema_migrations order by version",
      );
      expect(rows).toEqual(readMigrations().map((m) => ({ version: m.version, checksum: m.checksum })));
      expect(rows.find((r) => r.version === DELIVERY.replace(".sql", ""))?.checksum).toMatch(/^[0-9a-f]{64}$/);
    });

    it("starts again when nothing applied has changed, and applies a new file", async () => {
      await target.open(dir);
      writeFileSync(join(dir, "20991231000000_later.sql"), "create table hookgate.later_test (id int);");
      await target.open(dir);
      const rows = await target.query<{ version: string }>(
        "select version from hookgate.schema_migrations where version = '20991231000000_later'",
      );
      expect(rows).toHaveLength(1);
    });

    it("refuses to start, naming the file, when an applied migration was edited (and applies nothing new)", async () => {
      appendFileSync(join(dir, DELIVERY), "\n-- an edit after the fact\n");
      writeFileSync(join(dir, "20991231000000_later.sql"), "create table hookgate.later_test (id int);");
      const failure = await target.open(dir).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(MigrationChangedError);
      expect((failure as Error).message).toContain(DELIVERY);
      expect((failure as Error).message).toContain("append-only");
      const later = await target.query("select version from hookgate.schema_migrations where version like '2099%'");
      expect(later).toEqual([]);
    });

    it("fills in the checksums of rows applied before checksums were kept", async () => {
      await target.query("alter table hookgate.schema_migrations drop column checksum");
      await target.open(dir);
      const rows = await target.query<{ version: string; checksum: string | null }>(
        "select version, checksum from hookgate.schema_migrations order by version",
      );
      expect(rows).toEqual(readMigrations(dir).map((m) => ({ version: m.version, checksum: m.checksum })));
      // And from then on an edit is caught.
      appendFileSync(join(dir, DELIVERY), "\n-- an edit after the fact\n");
      await expect(target.open(dir)).rejects.toThrow(DELIVERY);
    });
  });
}

describe("checksum", () => {
  it("is the sha256 of the file's text, in hex (a fixed vector)", () => {
    expect(checksum("a")).toBe("ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb");
  });
});
