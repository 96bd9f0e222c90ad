import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { providerNamed, providers } from "../../lib/providers/catalog.js";

describe("the provider catalog", () => {
  it("finds every provider by its route name, and nothing by another", () => {
    for (const provider of providers) expect(providerNamed(provider.name)).toBe(provider);
    expect(providerNamed("unknown")).toBeUndefined();
    expect(providerNamed("")).toBeUndefined();
  });

  it("holds one provider per api/webhooks route", () => {
    const routes = readdirSync(new URL("../../api/webhooks/", import.meta.url))
      .filter((file) => file.endsWith(".ts"))
      .map((file) => file.slice(0, -3));
    expect(providers.map((p) => p.name).sort()).toEqual(routes.sort());
  });
});
