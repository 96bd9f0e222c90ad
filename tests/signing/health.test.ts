// /api/ready on the signing keys: the published count, the current kid and its age, and
// a warning when none signs while a forward needs one, or the current key is past its
// rotation period.
import { afterAll, describe, expect, it } from "vitest";
import { ready } from "../../lib/routes/ready.js";
import { forward } from "../../lib/routing/define.js";
import { endpointOf, testApp, type App } from "../support/app.js";
import { clock, ENCRYPTION_KEY } from "./support.js";

const DAY = 86_400_000;

describe("/api/ready's signing_keys", () => {
  const apps: App[] = [];
  afterAll(() => Promise.all(apps.map((a) => a.close())));
  const readiness = async (app: App) =>
    (await (await endpointOf(ready, app).fetch(new Request("https://h.example/api/ready"))).json()) as {
      ready: boolean;
      signing_keys: Record<string, unknown>;
    };

  it("warns when no key is current and a forward signs asymmetrically, then of age past the rotation period", async () => {
    const time = clock();
    const app = await testApp(
      { HOOKGATE_KEY_ENCRYPTION_KEY: ENCRYPTION_KEY, HOOKGATE_SIGNING_KEY_ROTATION_DAYS: "30" },
      {
        clock: time.now,
        routes: {
          destinations: { agent: forward({ url: "https://agent.example/hook", signing: "asymmetric" }) },
          routes: [{ provider: "clickup", to: ["agent"] }],
        },
      },
    );
    apps.push(app);
    const none = await readiness(app);
    expect(none.ready).toBe(true);
    expect(none.signing_keys).toMatchObject({ source: "store", published: 0, current: null, needed: true });
    expect(none.signing_keys.warning).toMatch(/no current signing key/);

    const { key } = await app.keys.create();
    time.advance(12 * DAY);
    expect((await readiness(app)).signing_keys).toEqual({
      source: "store",
      published: 1,
      current: { kid: key.kid, age_days: 12 },
      rotation_days: 30,
      needed: true,
    });
    time.advance(18 * DAY);
    expect((await readiness(app)).signing_keys.warning).toMatch(/signed for 30 days, past the 30-day rotation period/);
  });

  it("says nothing is wrong when no forward needs a key", async () => {
    const app = await testApp();
    apps.push(app);
    const { signing_keys } = await readiness(app);
    expect(signing_keys).toMatchObject({ published: 0, current: null, needed: false });
    expect(signing_keys.warning).toBeUndefined();
  });
});
