// Loads and checks hookgate.routes.ts at start. Imported lazily so the routing file
// (and any action it pulls in) loads once per instance, after the config.
import type { Config } from "../config/env.js";
import { providers } from "../providers/catalog.js";
import type { Store } from "../store/store.js";
import type { SigningKeySource } from "../signing/standard-webhooks.js";
import { compileRouting, type Routing } from "./table.js";

export async function loadRouting(config: Config, store: Store, signingKey?: SigningKeySource): Promise<Routing> {
  const { default: file } = await import("../../hookgate.routes.js");
  return compileRouting(file, { env: config.env, providers: providers.map((p) => p.name), store, signingKey });
}
