// `npm run bench:cold`: what each Vercel function built in .vercel/output costs — its
// size on disk and the cold import of its handler, each import in a fresh Node process
// (the median of a few), as a function instance pays it before its first answer.
// Measures the build that is there (`vercel build` or `npm run build`); runs
// `npm run build` first when there is none.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";

const FUNCTIONS = join(".vercel", "output", "functions");
const RUNS = 7;

/** Every `.func` directory under `dir`. */
function functionDirs(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (!entry.isDirectory()) return [];
    return entry.name.endsWith(".func") ? [path] : functionDirs(path);
  });
}

/** Bytes of every file under `dir` (symlinks not followed). */
function bytes(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((sum, entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sum + bytes(path);
    return sum + (entry.isFile() ? statSync(path).size : 0);
  }, 0);
}

// Runs in the fresh process: the import's wall time, and the handler's shape checked.
const PROBE = `
const started = performance.now();
const module = await import(process.argv[1]);
const ms = performance.now() - started;
if (typeof module.default?.fetch !== "function") throw new Error("no default { fetch } export");
console.log(ms.toFixed(1));
`;

function coldImportMs(handler: string): number {
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const run = spawnSync(process.execPath, ["--input-type=module", "-e", PROBE, pathToFileURL(handler).href], {
      encoding: "utf8",
      // The handler's import must not depend on the environment: none is given.
      env: { PATH: process.env.PATH },
    });
    if (run.status !== 0) throw new Error(`${handler}: ${run.stderr.trim()}`);
    samples.push(Number(run.stdout.trim()));
  }
  return samples.sort((a, b) => a - b)[Math.floor(samples.length / 2)]!;
}

if (!existsSync(FUNCTIONS)) {
  console.log("no .vercel/output: running npm run build");
  const build = spawnSync("npm", ["run", "build"], { stdio: "inherit" });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const rows = functionDirs(FUNCTIONS)
  .sort()
  .map((dir) => {
    const config = JSON.parse(readFileSync(join(dir, ".vc-config.json"), "utf8")) as { handler: string };
    return {
      name: relative(FUNCTIONS, dir).replace(/\.func$/, ""),
      mb: bytes(dir) / 1e6,
      ms: coldImportMs(join(dir, config.handler)),
    };
  });

// The floor on this machine, now: a fresh process importing a module of one line.
const empty = join(mkdtempSync(join(tmpdir(), "hookgate-cold-")), "index.mjs");
writeFileSync(empty, "export default { fetch() {} };\n");
const floor = coldImportMs(empty);

const width = Math.max(...rows.map((r) => r.name.length));
console.log(`load average ${loadavg()[0]!.toFixed(1)}; an empty module imports in ${floor.toFixed(1)} ms here`);
console.log(`${"function".padEnd(width)}  size MB  cold import ms (median of ${RUNS}, fresh process each)`);
for (const row of rows) {
  console.log(`${row.name.padEnd(width)}  ${row.mb.toFixed(2).padStart(7)}  ${row.ms.toFixed(1).padStart(6)}`);
}
const sizes = rows.map((r) => r.mb);
const times = rows.map((r) => r.ms);
console.log(
  `${rows.length} functions: ${Math.min(...sizes).toFixed(2)}–${Math.max(...sizes).toFixed(2)} MB, ` +
    `cold import ${Math.min(...times).toFixed(1)}–${Math.max(...times).toFixed(1)} ms`,
);
