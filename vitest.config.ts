import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    globalSetup: ["tests/support/services.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Service-backed files each create their own database, so they can run in parallel.
    pool: "forks",
  },
});
