// The api/ files and the paths Vercel serves them at (api/webhooks/clickup.ts →
// /api/webhooks/clickup), for the local server and the import-time benchmark.
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
