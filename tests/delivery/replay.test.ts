// Replay on the embedded store (the same test runs on real PostgreSQL in postgres.test.ts).
import { describe, it } from "vitest";
import { replayThousand } from "./scenarios.js";
import { testApp } from "../support/app.js";

describe("replay (PGlite)", () => {
  it("replays 1,000 dead deliveries, and the receiver gets each once", async () => {
    await replayThousand(await testApp({}, { routes: { destinations: {}, routes: [] } }));
  }, 120_000);
});
