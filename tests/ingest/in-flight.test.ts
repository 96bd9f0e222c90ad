// The cap on webhooks in flight (HOOKGATE_MAX_IN_FLIGHT): while the store holds the
// requests already in, new ones are answered 503 + Retry-After at once, and every
// place comes back when its request is answered, whatever the answer.
//
// Regression: "held requests pile up without limit" (issue 13: +50 MB RSS for ~2,000
// requests waiting on an unreachable database).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../lib/app.js";
import { settled } from "../../lib/http/after.js";
import type { Endpoint } from "../../lib/http/endpoint.js";
import { webhook } from "../../lib/routes/webhooks.js";
import { standard } from "../../lib/providers/standard.js";
import type { Store } from "../../lib/store/store.js";
import { endpointOf, memoryStore, testApp } from "../support/app.js";
import { signedRequest } from "../support/requests.js";

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const CAP = 3;

/** A real store whose ingest calls wait until `release()`: a database that is slow to answer. */
function heldStore(store: Store): { store: Store; release(): void } {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  return {
    store: { ...store, events: { ...store.events, ingest: async (event) => (await held, store.events.ingest(event)) } },
    release: () => release(),
  };
}

describe("the in-flight cap", () => {
  let gateway: App;
  let hook: Endpoint;
  let hold: { store: Store; release(): void };
  let n = 0;
  const send = (secret = SECRET) =>
    hook.fetch(
      signedRequest(standard, { secret, body: JSON.stringify({ type: "cap.probe", n: (n += 1) }), id: `msg_cap_${n}` }),
    );

  beforeAll(async () => {
    hold = heldStore(await memoryStore());
    gateway = await testApp(
      {
        STANDARD_WEBHOOK_SECRET: SECRET,
        HOOKGATE_MAX_IN_FLIGHT: String(CAP),
        RATE_LIMIT_PER_IP: "off",
        RATE_LIMIT_FAILED_VERIFICATIONS: "off",
      },
      { store: hold.store, route: () => [] },
    );
    hook = endpointOf(webhook(standard), async () => gateway);
  });

  afterAll(async () => {
    hold.release();
    await settled();
    await gateway.close();
  });

  it("answers 503 + Retry-After at once past HOOKGATE_MAX_IN_FLIGHT while the store holds the others", async () => {
    let heldAnswered = 0;
    const held = Array.from({ length: CAP }, () => send().finally(() => (heldAnswered += 1)));
    // Let the held requests reach the store.
    while (gateway.inFlight.count < CAP) await new Promise((resolve) => setTimeout(resolve, 5));

    const extra = await Promise.all([send(), send()]);
    // Answered while the store still holds every request that got in.
    expect(heldAnswered).toBe(0);
    for (const response of extra) {
      expect(response.status).toBe(503);
      expect(response.headers.get("retry-after")).toMatch(/^\d+$/);
      expect(await response.json()).toMatchObject({ error: "unavailable", reason: "overloaded" });
    }

    hold.release();
    const answers = await Promise.all(held);
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(gateway.inFlight.count).toBe(0);
  });

  it("gives every place back, refusals included, so the cap never fills by itself", async () => {
    // Twice the cap of forged requests, a cap's worth at a time.
    for (let round = 0; round < 2; round += 1) {
      const refused = await Promise.all(
        Array.from({ length: CAP }, () => send("whsec_d3Jvbmctc2VjcmV0LWZvci10ZXN0cw==")),
      );
      expect(refused.map((r) => r.status)).toEqual([401, 401, 401]);
    }
    expect(gateway.inFlight.count).toBe(0);
    const accepted = await Promise.all(Array.from({ length: CAP }, () => send()));
    expect(accepted.map((r) => r.status)).toEqual([200, 200, 200]);
  });
});
