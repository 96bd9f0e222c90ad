// The config declares each provider's secret variables (lib/config/provider-env.ts) so
// it never imports a provider; the catalog and that table must name the same providers
// and the same variables, or a provider's secret would never be read.
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../lib/config/env.js";
import { providerEnvRows } from "../../lib/config/provider-env.js";
import { providers } from "../../lib/providers/catalog.js";

describe("the provider variables of the config", () => {
  it("name every provider of the catalog, with the variables the provider names", () => {
    const fromCatalog = providers.map((p) => ({ name: p.name, secret: p.secretEnv, unsigned: p.unsignedEnv }));
    const fromConfig = providerEnvRows.map((r) => ({ name: r.name, secret: r.secret, unsigned: r.unsigned }));
    expect(fromConfig).toEqual(fromCatalog);
  });

  it("are read into the secrets by provider name", () => {
    const env = Object.fromEntries(providers.map((p) => [p.secretEnv, `${p.name}-secret`]));
    const config = loadConfig({ ...env, CHATWOOT_ALLOW_UNSIGNED: "true" });
    for (const p of providers) expect(config.secrets[p.name]).toEqual([`${p.name}-secret`]);
    expect(config.allowUnsigned).toMatchObject({ chatwoot: true, stripe: false });
  });
});
