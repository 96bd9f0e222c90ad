// The api/ files and the paths Vercel serves them at (api/webhooks/clickup.ts →
// /api/webhooks/clickup), for the local server and the import-time benchmark; and the
// functions also served at a second path.
import { readdirSync } from "node:fs";
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

/** A function served at a second path beside its own: `path` answers as `route` does. */
interface AlsoServed {
  path: string;
  route: string;
}

/**
 * The one list of functions served at a second path: the build puts the function there
 * too (functions/.well-known/jwks.json.func, a link to api/jwks.func), `npm start`
 * serves it there, and tests/deploy checks the built output against it. Not vercel.json
 * rewrites: Vercel's docs (https://vercel.com/docs/rewrites) say "The /.well-known path
 * is reserved and cannot be redirected or rewritten", but a function of the Build Output
 * API is served at whatever path its directory names. Exact paths only.
 */
export const ALSO_SERVED: readonly AlsoServed[] = [{ path: "/.well-known/jwks.json", route: "/api/jwks" }];

/** Each second path with what serves its route (`find`); a route nothing serves is a mistake in the list. */
export function alsoServed<T>(find: (route: string) => T | undefined): { path: string; target: T }[] {
  return ALSO_SERVED.map(({ path, route }) => {
    const target = find(route);
    if (target === undefined)
      throw new Error(`scripts/routes.ts: ${path} is served as ${route}, which no api/ file serves`);
    return { path, target };
  });
}
