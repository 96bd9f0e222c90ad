// The shape of lib/, checked: no import circles (type-only imports included, since a
// circle of types is still a circle of ideas), and dependencies that point down the
// layers of ARCHITECTURE.md — api → routes → (ingest, shield, delivery, operations) →
// (providers, routing, destinations, signing, alerts) → (store, kv, observability, config).
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const IMPORT = /(?:^|\n)\s*(?:import|export)\b[^"';]*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

/** file → the files of this repository it imports (relative specifiers, `.js` meaning `.ts`). */
function importGraph(files: string[]): Map<string, string[]> {
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const text = readFileSync(join(ROOT, file), "utf8");
    const targets: string[] = [];
    for (const match of text.matchAll(IMPORT)) {
      const specifier = match[1] ?? match[2]!;
      if (!specifier.startsWith(".")) continue;
      const target = normalize(join(dirname(file), specifier)).replace(/\.js$/, ".ts");
      if (known.has(target)) targets.push(target);
    }
    graph.set(file, targets);
  }
  return graph;
}

function cycles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (file: string) => {
    state.set(file, "open");
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === "open") found.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, "done");
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return found;
}

// Lower number = lower layer; a module may import its own layer or lower ones only.
// lib/http is the frame at the bottom: the typed errors every layer may throw, after(),
// the endpoint wrapper and its parameter kit. It knows no route and no service.
const LAYERS: [RegExp, number][] = [
  [/^lib\/(store|kv|observability|config|time|http)\//, 0],
  [/^lib\/(providers|routing|destinations|signing|alerts)\//, 1],
  [/^lib\/(ingest|shield|delivery|operations)\//, 2],
  [/^lib\/(routes|cli)\/|^lib\/app\.ts$/, 3],
  [/^api\//, 4],
];
const layerOf = (file: string) => LAYERS.find(([pattern]) => pattern.test(file))?.[1];

const files = [...sources("lib"), ...sources("api")];
const graph = importGraph(files);

describe("the import graph of lib/ and api/", () => {
  it("has no circles, type-only imports included", () => {
    expect(cycles(graph).map((cycle) => cycle.join(" → "))).toEqual([]);
  });

  it("points down the layers", () => {
    const upward: string[] = [];
    for (const [file, targets] of graph) {
      const from = layerOf(file);
      for (const target of targets) {
        const to = layerOf(target);
        if (from !== undefined && to !== undefined && to > from) upward.push(`${file} → ${target}`);
      }
    }
    expect(upward).toEqual([]);
  });

  it("reads every file it checks", () => {
    expect(files.length).toBeGreaterThan(50);
    expect(files.every((f) => layerOf(f) !== undefined || relative("lib", f).split("/").length === 1)).toBe(true);
  });
});
