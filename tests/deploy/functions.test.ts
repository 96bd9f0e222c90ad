// What a deployment runs, checked as built: every api/ entry is a function of at most
// 5 MB with vercel.json's settings and the runtime of engines.node, nothing of PGlite is
// in any, each function of scripts/routes.ts's ALSO_SERVED is linked at its second path
// (and the JWKS answers at /.well-known/jwks.json), and a built webhook function,
// imported in a fresh process, answers signed Requests as the gateway does.
//
// It builds with `npm run build`'s code into a temporary directory. `npm run
// check:deploy` runs the real `vercel build` first and points this file at its output
// (HOOKGATE_CHECK_OUTPUT), where the CLI has added vercel.json's crons.
import { generateKeyPairSync } from "node:crypto";
import { lstatSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clickup } from "../../lib/providers/clickup.js";
import { apiEntries, buildFunctions, functionSettings, nodeRuntime, settingsOf } from "../../scripts/build.js";
import { ALSO_SERVED } from "../../scripts/routes.js";
import { freshDatabase, DATABASE_URL, type TestDatabase } from "../support/postgres.js";
import { sample, signedRequest } from "../support/requests.js";
import { startSentryDsn, type SentryDsnServer } from "../support/sentry-dsn.js";
import { callBuilt, sent } from "./built-function.js";

const MAX_FUNCTION_BYTES = 5 * 1024 * 1024;
const SECRET = "built-function-secret";
const given = process.env.HOOKGATE_CHECK_OUTPUT;
/** Port 9 (discard): nothing of Postgres answers there. */
const UNREACHED_DATABASE = "postgres://hookgate@127.0.0.1:9/unreached";

let output: string;
beforeAll(async () => {
  output = given ?? mkdtempSync(join(tmpdir(), "hookgate-build-"));
  if (!given) await buildFunctions({ outDir: output });
}, 120_000);
afterAll(() => {
  if (!given) rmSync(output, { recursive: true, force: true });
});

const funcDir = (name: string) => join(output, "functions", `${name}.func`);
const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)],
  );
const configOf = (name: string) =>
  JSON.parse(readFileSync(join(funcDir(name), ".vc-config.json"), "utf8")) as Record<string, unknown>;

describe("the functions `vercel build` deploys", () => {
  it("are one per api/ entry, each at most 5 MB, with vercel.json's maxDuration and engines' runtime", () => {
    const settings = functionSettings();
    for (const entry of apiEntries()) {
      const name = entry.replace(/\.ts$/, "");
      const bytes = files(funcDir(name)).reduce((sum, file) => sum + statSync(file).size, 0);
      expect(bytes, name).toBeLessThanOrEqual(MAX_FUNCTION_BYTES);
      expect(configOf(name), name).toEqual({
        runtime: nodeRuntime(),
        handler: "index.mjs",
        launcherType: "Nodejs",
        shouldAddHelpers: false,
        ...settingsOf(entry, settings),
      });
    }
    expect(configOf("api/cron/cleanup").maxDuration).toBe(300);
    expect(configOf("api/webhooks/stripe").maxDuration).toBe(60);
    expect(configOf("api/health").maxDuration).toBeUndefined();
  });

  it("carry nothing of PGlite, and no node_modules", () => {
    for (const file of files(join(output, "functions"))) {
      expect(file).not.toMatch(/node_modules|\.wasm$|\.data$/);
      if (file.endsWith(".mjs")) expect(readFileSync(file, "utf8"), file).not.toContain("@electric-sql/pglite");
    }
  });

  it("have vercel.json's crons, once each, each on a function", () => {
    const config = JSON.parse(readFileSync(join(output, "config.json"), "utf8")) as { crons?: unknown[] };
    const { crons } = JSON.parse(readFileSync("vercel.json", "utf8")) as { crons: { path: string }[] };
    for (const cron of crons) expect(statSync(funcDir(cron.path.slice(1))).isDirectory()).toBe(true);
    // `vercel build` writes them from vercel.json; `npm run build` alone leaves them to it.
    expect(config.crons).toEqual(given ? crons : undefined);
  });

  it("serve each function of ALSO_SERVED at its second path too, linked, with no rewrite", () => {
    const config = JSON.parse(readFileSync(join(output, "config.json"), "utf8")) as { routes: { dest?: string }[] };
    // /.well-known cannot be rewritten on Vercel: the function is at the path itself.
    expect(config.routes.filter((route) => route.dest !== undefined)).toEqual([]);
    expect(ALSO_SERVED.length).toBeGreaterThan(0);
    for (const { path, route } of ALSO_SERVED) {
      expect(lstatSync(funcDir(path.slice(1))).isSymbolicLink(), path).toBe(true);
      expect(realpathSync(funcDir(path.slice(1))), path).toBe(realpathSync(funcDir(route.slice(1))));
    }
  });

  it("answer the JWKS at /.well-known/jwks.json, called there", async () => {
    const jwks = ALSO_SERVED.find((also) => also.path === "/.well-known/jwks.json");
    expect(jwks).toBeDefined();
    const jwk = generateKeyPairSync("ed25519").privateKey.export({ format: "jwk" });
    const [answer] = await callBuilt(
      funcDir(jwks!.path.slice(1)),
      // Keys from the environment: a function needs a store configured, never reached here.
      { HOOKGATE_SIGNING_KEYS: JSON.stringify([jwk]), DATABASE_URL: UNREACHED_DATABASE, LOG_LEVEL: "silent" },
      [{ url: `https://hookgate.test${jwks!.path}`, method: "GET", headers: {} }],
    );
    expect(answer!.status).toBe(200);
    expect(answer!.headers["cache-control"]).toMatch(/^public, max-age=\d+$/);
    expect(JSON.parse(answer!.body)).toEqual({
      keys: [
        { kty: "OKP", crv: "Ed25519", x: jwk.x, kid: expect.stringMatching(/^[\w-]{43}$/), use: "sig", alg: "EdDSA" },
      ],
    });
  });

  it("import their handler with no environment, opening nothing", async () => {
    const [answer] = await callBuilt(funcDir("api/health"), {}, [
      { url: "https://hookgate.test/api/health", method: "GET", headers: {} },
    ]);
    expect(answer!.status).toBe(200);
  });
});

describe("a built webhook function, in a fresh process", () => {
  const url = "https://hookgate.test/api/webhooks/clickup";
  const body = sample("clickup", "taskCreated.json");
  const signed = () => sent(signedRequest(clickup, { secret: SECRET, body, url }));
  const forged = () => sent(signedRequest(clickup, { secret: "not-the-secret", body, url }));
  const clickupFunction = () => funcDir("api/webhooks/clickup");

  let db: TestDatabase | undefined;
  let sentry: SentryDsnServer;
  beforeAll(async () => {
    sentry = await startSentryDsn();
    if (DATABASE_URL) db = await freshDatabase();
  });
  afterAll(async () => {
    await sentry.close();
    await db?.drop();
  });

  it.skipIf(!DATABASE_URL)(
    "answers 503 not_configured without its secret, 200 when signed, 401 when forged",
    async () => {
      const unconfigured = await callBuilt(clickupFunction(), { DATABASE_URL: db!.url, LOG_LEVEL: "silent" }, [
        await signed(),
      ]);
      expect(unconfigured[0]!.status).toBe(503);
      expect(JSON.parse(unconfigured[0]!.body)).toMatchObject({ error: "not_configured" });

      const answers = await callBuilt(
        clickupFunction(),
        { DATABASE_URL: db!.url, CLICKUP_WEBHOOK_SECRET: SECRET, LOG_LEVEL: "silent" },
        [await signed(), await signed(), await forged()],
      );
      expect(answers.map((a) => a.status)).toEqual([200, 200, 401]);
      expect(answers.slice(0, 2).map((a) => JSON.parse(a.body).duplicate)).toEqual([false, true]);
      const rows = await db!.sql<{ count: string }[]>`select count(*) from hookgate.events`;
      expect(Number(rows[0]!.count)).toBe(1);
    },
  );

  it("without a store, answers 503 not_configured naming the variables to set", async () => {
    const [answer] = await callBuilt(clickupFunction(), { CLICKUP_WEBHOOK_SECRET: SECRET, LOG_LEVEL: "silent" }, [
      await signed(),
    ]);
    expect(answer!.status).toBe(503);
    expect(JSON.parse(answer!.body)).toMatchObject({ error: "not_configured" });
    expect(JSON.parse(answer!.body).message).toMatch(/PGlite is not in Vercel functions.*SUPABASE_URL.*DATABASE_URL/);
  });

  it.skipIf(!DATABASE_URL)(
    "reports an unexpected error to Sentry with the bundled SDK (a database not migrated)",
    async () => {
      const name = `hookgate_unmigrated_${process.pid}`;
      const admin = postgres(DATABASE_URL!, { max: 1, onnotice: () => {} });
      await admin.unsafe(`drop database if exists ${name}`);
      await admin.unsafe(`create database ${name}`);
      try {
        const unmigrated = new URL(DATABASE_URL!);
        unmigrated.pathname = `/${name}`;
        const [answer] = await callBuilt(
          clickupFunction(),
          {
            DATABASE_URL: unmigrated.href,
            CLICKUP_WEBHOOK_SECRET: SECRET,
            SENTRY_DSN: sentry.dsn,
            LOG_LEVEL: "silent",
          },
          [await signed()],
          { lingerMs: 3_000 },
        );
        expect(answer!.status).toBe(503);
        expect(sentry.events()).toHaveLength(1);
        expect(sentry.events()[0]).toMatchObject({ tags: { route: "webhooks/clickup", provider: "clickup" } });
      } finally {
        await admin.unsafe(`drop database if exists ${name} with (force)`);
        await admin.end({ timeout: 5 });
      }
    },
  );
});
