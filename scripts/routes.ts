// The api/ files and the paths Vercel serves them at (api/webhooks/clickup.ts →
// /api/webhooks/clickup), for the local server and the import-time benchmark.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));

export interface ApiRoute {
  path: string;
  file: string;
}

export function apiRoutes(dir = join(ROOT, "api")): ApiRoute[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.(ts|js)$/.test(entry.name) && !entry.name.endsWith(".d.ts"))
    .map((entry) => {
      const file = join(entry.parentPath, entry.name);
      return {
        path:
          "/" +
          relative(ROOT, file)
            .replace(/\\/g, "/")
            .replace(/\.(ts|js)$/, ""),
        file,
      };
    })
    .sort((a, b) => a.path.localeCompare(b.path));
}

export interface Rewrite {
  source: string;
  destination: string;
}

/**
 * vercel.json's rewrites (/.well-known/jwks.json → /api/jwks): the one list of paths
 * served by another route, which the build writes into the deployment's routes and
 * `npm start` serves too. Exact paths only: nothing here needs a pattern.
 */
export function vercelRewrites(root = ROOT): Rewrite[] {
  const config = JSON.parse(readFileSync(join(root, "vercel.json"), "utf8")) as { rewrites?: Rewrite[] };
  const rewrites = config.rewrites ?? [];
  for (const { source } of rewrites)
    if (!/^\/[\w./-]*$/.test(source) || source.includes(":"))
      throw new Error(`vercel.json: rewrite ${source} is not an exact path (the build and npm start take only those)`);
  return rewrites;
}
