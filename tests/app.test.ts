// The app record (lib/app.ts): every service belongs to one app, so two apps in one
// process share nothing; the engine loads on first use; the instance's app opens from
// the environment and a failed open is retried.
import { afterAll, describe, expect, it, vi } from "vitest";
import { sharedApp } from "../lib/app.js";
import type { AlertChannel } from "../lib/alerts/index.js";
import type { PostedMessage } from "../lib/alerts/slack.js";
import { memoryStore, testApp } from "./support/app.js";

function channel(): AlertChannel & { posted: PostedMessage[] } {
  const posted: PostedMessage[] = [];
  return { posted, post: async (message) => void posted.push(message) };
}

const deadLetter = {
  type: "dead_letter" as const,
  deliveryId: 7,
  destination: "crm",
  eventId: "00000000-0000-4000-8000-000000000007",
  provider: "stripe",
  eventType: "charge.failed",
  attempts: 3,
  status: 400,
  errorClass: "http_400",
  error: "no such customer",
  at: new Date(),
};

describe("the app", () => {
  // One store for two apps: neither app closes it; the test does, at the end.
  const opened = memoryStore();
  const store = opened.then((s) => ({ ...s, close: async () => {} }));
  afterAll(async () => (await opened).close());

  it("regression: an engine's signals raise the alerts of its own app only (they were process-global)", async () => {
    const [toA, toB] = [channel(), channel()];
    const a = await testApp({}, { store: await store, alertChannel: toA, route: () => [] });
    const b = await testApp({}, { store: await store, alertChannel: toB, route: () => [] });
    try {
      await (await a.engine()).signals.emit(deadLetter);
      expect(toA.posted.map((m) => m.text)).toEqual(["hookgate: a delivery to crm was dead-lettered"]);
      expect(toB.posted).toEqual([]);
      // Each app has its own alerts (and cooldowns): B still sends the same alert.
      await (await b.engine()).signals.emit(deadLetter);
      expect(toB.posted).toHaveLength(1);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it("builds its engine and its shield once, on first use", async () => {
    const app = await testApp({}, { store: await store, route: () => [] });
    try {
      expect(await app.engine()).toBe(await app.engine());
      expect(await app.shield()).toBe(await app.shield());
      const other = await testApp({}, { store: await store, route: () => [] });
      expect(await other.engine()).not.toBe(await app.engine());
      await other.close();
    } finally {
      await app.close();
    }
  });
});

describe("the instance's app (sharedApp)", () => {
  afterAll(() => vi.unstubAllEnvs());

  it("opens once from the environment, and a failed open is retried by the next caller", async () => {
    // This worker's environment only: an embedded store, a memory KV.
    for (const [name, value] of Object.entries({ DATABASE_URL: "", REDIS_URL: "", HOOKGATE_DATA_DIR: "memory://" }))
      vi.stubEnv(name, value);
    vi.stubEnv("LOG_LEVEL", "silent");
    vi.stubEnv("DUPLICATE_STATUS", "500");
    await expect(sharedApp()).rejects.toThrow(/DUPLICATE_STATUS/);
    vi.stubEnv("DUPLICATE_STATUS", "409");
    const app = await sharedApp();
    try {
      expect(await sharedApp()).toBe(app);
      expect(app.config.env.DUPLICATE_STATUS).toBe(409);
    } finally {
      await app.close();
    }
  });
});
