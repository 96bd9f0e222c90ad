// `npm run check:deploy`: what a deployment would run, built and called here, offline.
// Runs the real `vercel build` (the pinned CLI, 58.10.0), which runs `npm run build`,
// then tests/deploy/functions.test.ts on its output: sizes, settings, crons, and a
// built webhook function called in a fresh process (against Postgres when DATABASE_URL
// is set: a database of its own, dropped afterwards).
//
//   npm run check:deploy [-- --cli <path to vercel>]
//
// No network: dependencies are not installed again (VERCEL_INSTALL_COMPLETED), and
// without a linked project a local one is written to .vercel/project.json.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const PINNED = "58.10.0";
const PROJECT = join(".vercel", "project.json");
const LOCAL_PROJECT = { projectId: "prj_local", orgId: "team_local", settings: { framework: null } };

function fail(message: string): never {
  console.error(`check:deploy: ${message}`);
  process.exit(1);
}

function vercelCli(): string {
  const flag = process.argv.indexOf("--cli");
  const candidates = flag > 0 ? [process.argv[flag + 1] ?? ""] : [join("node_modules", ".bin", "vercel"), "vercel"];
  for (const cli of candidates) {
    const run = spawnSync(cli, ["--version"], { encoding: "utf8" });
    if (run.status !== 0) continue;
    const version = /\d+\.\d+\.\d+/.exec(`${run.stdout}${run.stderr}`)?.[0];
    if (version !== PINNED)
      fail(`${cli} is Vercel CLI ${version ?? "?"}; this check pins ${PINNED} (npm i -g vercel@${PINNED})`);
    return cli;
  }
  fail(`no Vercel CLI found: npm i -g vercel@${PINNED}, or pass -- --cli <path>`);
}

const cli = vercelCli();
if (!existsSync(PROJECT)) {
  mkdirSync(".vercel", { recursive: true });
  writeFileSync(PROJECT, `${JSON.stringify(LOCAL_PROJECT)}\n`);
  console.log(`check:deploy: no linked project; wrote a local one to ${PROJECT}`);
}

const started = performance.now();
const build = spawnSync(cli, ["build", "--yes"], {
  stdio: "inherit",
  env: { ...process.env, VERCEL_INSTALL_COMPLETED: "1" },
});
if (build.status !== 0) fail(`vercel build failed (exit ${build.status})`);
console.log(`check:deploy: vercel build took ${((performance.now() - started) / 1000).toFixed(1)} s`);

const test = spawnSync("npx", ["vitest", "run", "tests/deploy/functions.test.ts"], {
  stdio: "inherit",
  env: { ...process.env, HOOKGATE_CHECK_OUTPUT: join(process.cwd(), ".vercel", "output") },
});
process.exit(test.status ?? 1);
