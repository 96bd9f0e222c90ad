// `npm run build`, which Vercel runs (vercel.json `builds`): every api/ entry bundled by
// esbuild into its own function of the Build Output API, in
// .vercel/output/functions/api/<route>.func: an `index.mjs` with what the handler's
// import needs, tree-shaken, and beside it the chunks it imports only when it needs
// them (the app, each store and KV transport, the delivery engine, Sentry). A function
// served at a second path (scripts/routes.ts, ALSO_SERVED) is linked there too:
// functions/.well-known/jwks.json.func → api/jwks.func. `vercel build` runs this, then
// adds vercel.json's crons to .vercel/output/config.json.
//
// One source for every function setting: vercel.json's `builds[0].config.functions`
// maps globs of api/ files to `maxDuration` (what Vercel's own `functions` key would
// hold, but that key cannot sit beside `builds`), and package.json's engines.node
// ("24.x") names the runtime.
//
// What is never in a function: PGlite (16 MB, and a function has no disk to keep
// events on: lib/store/pglite-absent.ts takes its place), and Sentry's 12 MB of
// packages: bundled, Sentry is a chunk of about 0.6 MB that only an instance with
// SENTRY_DSN set imports, on its first report (lib/observability/sentry.ts).
import { build, type Metafile, type Plugin } from "esbuild";
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { ALSO_SERVED, alsoServed } from "./routes.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

export interface BuiltFunction {
  /** The function's path: `api/webhooks/clickup`, served at /api/webhooks/clickup. */
  name: string;
  /** Its `.func` directory. */
  dir: string;
  /** What `.vc-config.json` says. */
  config: FunctionConfig;
  /** Bytes of every file in the directory. */
  bytes: number;
}

export interface FunctionConfig {
  runtime: string;
  handler: string;
  launcherType: "Nodejs";
  shouldAddHelpers: boolean;
  maxDuration?: number;
}

interface FunctionSettings {
  maxDuration?: number;
}

/** The function settings of vercel.json, by glob of api/ files. */
export function functionSettings(root = ROOT): Record<string, FunctionSettings> {
  const config = JSON.parse(readFileSync(join(root, "vercel.json"), "utf8")) as {
    builds?: { use?: string; config?: { functions?: Record<string, FunctionSettings> } }[];
  };
  const builder = config.builds?.find((b) => b.use === "@vercel/static-build");
  if (!builder) throw new Error('vercel.json: no "builds" entry using @vercel/static-build (see README, "Build")');
  return builder.config?.functions ?? {};
}

/** `api/webhooks/*.ts` as a pattern: `*` within one segment, `**` across segments. */
function globPattern(glob: string): RegExp {
  const parts = glob.split("**").map((part) =>
    part
      .split("*")
      .map((text) => text.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
      .join("[^/]*"),
  );
  return new RegExp(`^${parts.join(".*")}$`);
}

/** The settings of one api/ file: the first glob that matches it, as Vercel reads `functions`. */
export function settingsOf(file: string, settings: Record<string, FunctionSettings>): FunctionSettings {
  const glob = Object.keys(settings).find((pattern) => pattern === file || globPattern(pattern).test(file));
  return glob ? settings[glob]! : {};
}

/** The Vercel runtime of package.json's engines.node, which must name one major ("24.x"). */
export function nodeRuntime(root = ROOT): string {
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { engines?: { node?: string } };
  const major = /^(\d+)\.x$/.exec(pkg.engines?.node ?? "")?.[1];
  if (!major) throw new Error('package.json: engines.node must name one Node major for Vercel, such as "24.x"');
  return `nodejs${major}.x`;
}

/** Every api/ entry, as a path relative to the root with `/` separators. */
export function apiEntries(root = ROOT): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) return walk(path);
      return entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [path] : [];
    });
  return walk("api").sort();
}

/** lib/store/open.ts imports the embedded store only when chosen; in a function, it is the stand-in. */
const withoutPglite: Plugin = {
  name: "without-pglite",
  setup(build) {
    build.onResolve({ filter: /^\.\/pglite\.js$/ }, (args) =>
      args.importer === join(ROOT, "lib", "store", "open.ts")
        ? { path: join(ROOT, "lib", "store", "pglite-absent.ts") }
        : undefined,
    );
  },
};

/** CommonJS packages bundled into ESM still `require` Node's modules: give them a require. */
const REQUIRE_SHIM =
  'import { createRequire as __hookgateCreateRequire } from "node:module"; ' +
  "const require = __hookgateCreateRequire(import.meta.url);";

function bytesIn(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((sum, entry) => {
    const path = join(dir, entry.name);
    return sum + (entry.isDirectory() ? bytesIn(path) : statSync(path).size);
  }, 0);
}

/** Packages a function must never carry, whatever imports them. */
const REFUSED = [`node_modules${sep}@electric-sql${sep}`, "node_modules/@electric-sql/"];

function refusedInputs(metafile: Metafile): string[] {
  return Object.keys(metafile.inputs).filter((input) => REFUSED.some((refused) => input.includes(refused)));
}

/**
 * A function served at a second path is a link to its `.func` directory there, not a
 * route: /.well-known cannot be rewritten on Vercel (scripts/routes.ts), and a linked
 * `.func` is one function served at both paths (Vercel's Build Output API example
 * vercel/examples build-output-api/serverless-functions: "Because it is a symlink,
 * Vercel will optimize this by only creating one backing Serverless Function which is
 * served at both URL paths").
 */
function linkAlsoServed(functions: string, built: readonly BuiltFunction[]): void {
  for (const { path, target } of alsoServed((route) => built.find((fn) => `/${fn.name}` === route))) {
    const link = join(functions, `${path.slice(1)}.func`);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(relative(dirname(link), target.dir), link, "dir");
  }
}

export interface BuildOptions {
  /** The Build Output API directory; default .vercel/output. */
  outDir?: string;
}

/** Builds every api/ entry into a function of `outDir` and writes its config.json. */
export async function buildFunctions({ outDir = join(ROOT, ".vercel", "output") }: BuildOptions = {}): Promise<
  BuiltFunction[]
> {
  const settings = functionSettings();
  const runtime = nodeRuntime();
  const functions = join(outDir, "functions");
  rmSync(functions, { recursive: true, force: true });
  rmSync(join(outDir, "config.json"), { force: true });

  const built = await Promise.all(
    apiEntries().map(async (entry): Promise<BuiltFunction> => {
      const name = entry.replace(/\.ts$/, "");
      const dir = join(functions, `${name}.func`);
      const result = await build({
        entryPoints: [join(ROOT, entry)],
        bundle: true,
        splitting: true,
        format: "esm",
        platform: "node",
        target: runtime.replace(/^nodejs(\d+)\.x$/, "node$1"),
        outdir: dir,
        entryNames: "index",
        chunkNames: "chunks/[name]-[hash]",
        outExtension: { ".js": ".mjs" },
        // Whitespace and syntax only: names stay, so a stack trace in the logs still reads.
        minifyWhitespace: true,
        minifySyntax: true,
        banner: { js: REQUIRE_SHIM },
        plugins: [withoutPglite],
        metafile: true,
        logLevel: "warning",
      });
      const refused = refusedInputs(result.metafile);
      if (refused.length > 0) throw new Error(`${entry} would carry ${refused[0]}: it must never be in a function`);
      const { maxDuration } = settingsOf(entry, settings);
      const config: FunctionConfig = {
        runtime,
        handler: "index.mjs",
        launcherType: "Nodejs",
        // A web handler (`export default { fetch }`): no (req, res) helpers.
        shouldAddHelpers: false,
        ...(maxDuration === undefined ? {} : { maxDuration }),
      };
      writeFileSync(join(dir, ".vc-config.json"), `${JSON.stringify(config, null, 2)}\n`);
      return { name, dir, config, bytes: bytesIn(dir) };
    }),
  );

  linkAlsoServed(functions, built);
  const config = {
    version: 3,
    // Each function at its own path (and at ALSO_SERVED's); any other /api path is a
    // 404. The crons are vercel.json's: `vercel build` writes them here (written here
    // too, they would be doubled).
    routes: [{ handle: "filesystem" }, { src: "^/api(/.*)?$", status: 404 }],
  };
  writeFileSync(join(outDir, "config.json"), `${JSON.stringify(config, null, 2)}\n`);
  return built;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outArg = process.argv.indexOf("--out");
  const outDir = outArg > 0 ? resolve(process.argv[outArg + 1] ?? "") : undefined;
  const started = performance.now();
  const built = await buildFunctions({ outDir });
  for (const fn of built) {
    const duration = fn.config.maxDuration === undefined ? "" : `  maxDuration ${fn.config.maxDuration}s`;
    console.log(`${fn.name.padEnd(24)} ${(fn.bytes / 1e6).toFixed(2).padStart(5)} MB${duration}`);
  }
  const where = relative(process.cwd(), outDir ?? join(ROOT, ".vercel", "output")) || ".";
  for (const { path, route } of ALSO_SERVED) console.log(`${path.padEnd(24)} = ${route.slice(1)}`);
  console.log(`${built.length} functions in ${where} (${Math.round(performance.now() - started)} ms)`);
}
