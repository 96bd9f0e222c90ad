import { defineConfig } from "vitest/config";

/** The pure core: values in, values out, no I/O. Each file is held to this by itself. */
const PURE = { lines: 95, branches: 95 };

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    globalSetup: ["tests/support/services.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Service-backed files each create their own database, so they can run in parallel.
    pool: "forks",
    // `npm run coverage`: figures for the whole of lib/ in the CI log (no HTML report;
    // coverage/ is git-ignored). The thresholds hold the pure modules only.
    coverage: {
      provider: "v8",
      include: ["lib/**/*.ts"],
      reporter: ["text-summary", "text"],
      thresholds: {
        // Each file on its own: a well-tested file must not carry an untested neighbour.
        perFile: true,
        "lib/providers/**/*.ts": PURE,
        "lib/signing/{scheme,timestamp,standard-webhooks}.ts": PURE,
        "lib/delivery/schedule.ts": PURE,
        "lib/delivery/breaker-decision.ts": PURE,
        "lib/routing/policy.ts": PURE,
        "lib/destinations/http-answer.ts": PURE,
        "lib/destinations/clickup/{rules,trigger,task}.ts": PURE,
        "lib/destinations/whatsapp/{rules,intent,code,messages,inbound}.ts": PURE,
        "lib/config/**/*.ts": PURE,
      },
    },
  },
});
