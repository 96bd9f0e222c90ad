// What operators see of the onboarding: the admin API (users, one user, preferences),
// `npx hookgate users`, the dashboard's panel and the four metrics in /api/metrics —
// each showing `verified` and the state of a code, never the code. On PGlite, and on
// real PostgreSQL when DATABASE_URL is set.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../../lib/cli/main.js";
import { settled } from "../../../lib/http/after.js";
import { metrics } from "../../../lib/routes/operations.js";
import { overviewRoute } from "../../../lib/routes/admin.js";
import { dashboard } from "../../../lib/routes/dashboard.js";
import { userPreferences, users } from "../../../lib/routes/users.js";
import type { WhatsappUserView } from "../../../lib/store/whatsapp-users.js";
import { endpointOf } from "../../support/app.js";
import { serveRoutes } from "../../operations/harness.js";
import { startFakeTwilio, type FakeTwilio } from "../../support/twilio-api.js";
import { openHarness, STORES, type Harness } from "./harness.js";

const ADMIN_TOKEN = "admin-token-for-the-users-0123";
const METRICS_TOKEN = "metrics-token-for-the-users-01";
const CODE = /code is (\d{6})/;

describe.each(STORES)("the onboarding's users, seen by operators, on $name", ({ name, skip }) => {
  let api: FakeTwilio;
  let h: Harness;
  let server: { base: string; close(): Promise<void> };
  const verifiedPhone = name === "pglite" ? "+15553000001" : "+15554000001";
  const pendingPhone = name === "pglite" ? "+15553000002" : "+15554000002";
  let code = "";

  const admin = (path: string, init?: RequestInit) =>
    new Request(`http://hookgate.local/api/${path}`, {
      ...init,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
    });

  async function cli(argv: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const status = await main(argv, {
      out: (l) => out.push(l),
      err: (l) => err.push(l),
      env: { LOG_LEVEL: "silent", HOOKGATE_URL: server.base, ADMIN_TOKEN },
    });
    return { status, out: out.join("\n"), err: err.join("\n") };
  }

  beforeAll(async () => {
    if (skip) return;
    api = await startFakeTwilio();
    h = await openHarness(name, api, { ADMIN_TOKEN, METRICS_TOKEN });
    await h.inbound(verifiedPhone, "hi", { profileName: "Vera" });
    await h.inbound(verifiedPhone, CODE.exec(api.to(verifiedPhone)[0]!.body)![1]!, { profileName: "Vera" });
    h.clock.now += 1_000;
    await h.inbound(pendingPhone, "hello", { profileName: "Pablo" });
    code = CODE.exec(api.to(pendingPhone)[0]!.body)![1]!;
    await h.inbound(pendingPhone, code === "123456" ? "654321" : "123456", { profileName: "Pablo" }); // one wrong try
    server = await serveRoutes({ "/api/admin/users": endpointOf(users, h.gateway) });
  });
  afterAll(async () => {
    await server?.close();
    await h?.close();
    await api?.close();
  });

  it.skipIf(skip)("GET /api/admin/users lists them; ?phone= and ?id= show one, never its code", async () => {
    const listed = await endpointOf(users, h.gateway).fetch(admin("admin/users"));
    expect(listed.status).toBe(200);
    const body = (await listed.json()) as { users: WhatsappUserView[] };
    expect(body.users.map((u) => [u.phone, u.verified])).toEqual([
      [pendingPhone, false],
      [verifiedPhone, true],
    ]);
    const one = (await (
      await endpointOf(users, h.gateway).fetch(admin(`admin/users?phone=${encodeURIComponent(pendingPhone)}`))
    ).json()) as WhatsappUserView;
    expect(one).toMatchObject({
      profile_name: "Pablo",
      verified: false,
      code: { state: "pending", wrong_attempts: 1 },
    });
    const text = JSON.stringify(body) + JSON.stringify(one);
    expect(text).not.toContain(code);
    expect(text).not.toContain("code_hash");
    const byId = await endpointOf(users, h.gateway).fetch(admin(`admin/users?id=${one.id}`));
    expect(((await byId.json()) as WhatsappUserView).phone).toBe(pendingPhone);
    const missing = await endpointOf(users, h.gateway).fetch(
      admin("admin/users?id=00000000-0000-4000-8000-000000000000"),
    );
    expect(missing.status).toBe(404);
    expect((await endpointOf(users, h.gateway).fetch(admin("admin/users?phone=5551234"))).status).toBe(400);
  });

  it.skipIf(skip)(
    "POST /api/admin/user-preferences sets language and channel; opted_out publishes user.opted_out",
    async () => {
      const user = (await h.gateway.store.whatsapp.get({ phone: verifiedPhone }))!;
      const post = (body: unknown) =>
        endpointOf(userPreferences, h.gateway).fetch(
          admin("admin/user-preferences", { method: "POST", body: JSON.stringify(body) }),
        );
      const set = await post({ id: user.id, preferences: { language: "es", channel: "sms" } });
      expect(set.status).toBe(200);
      expect(await set.json()).toMatchObject({ preferences: { language: "es", channel: "sms" }, opted_out: false });
      expect((await post({ id: user.id, preferences: { language: "fr" } })).status).toBe(400);
      expect((await post({ id: user.id, preferences: { channel: null } })).status).toBe(200);

      const before = h.crm.requests.length;
      await post({ id: user.id, opted_out: true });
      await post({ id: user.id, opted_out: true }); // already out: nothing published again
      await settled();
      const published = h.userEvents().slice(before);
      expect(published.map((e) => [e.type, e.user.phone])).toEqual([["user.opted_out", verifiedPhone]]);
      expect(await h.gateway.store.whatsapp.get({ id: user.id })).toMatchObject({
        opted_out: true,
        preferences: { language: "es" },
      });
      await post({ id: user.id, opted_out: false });
    },
  );

  it.skipIf(skip)("npx hookgate users: a table, --json, and one user with the state of their code", async () => {
    const listed = await cli(["users"]);
    expect(listed.status).toBe(0);
    expect(listed.out).toMatch(
      new RegExp(`${pendingPhone.replace("+", "\\+")}\\s+whatsapp\\s+Pablo\\s+no\\s+no\\s+pending`),
    );
    const json = await cli(["users", "--json"]);
    expect((JSON.parse(json.out) as WhatsappUserView[]).length).toBe(2);
    const one = await cli(["users", pendingPhone]);
    expect(one.out).toContain("verified: no");
    expect(one.out).toMatch(/code: pending, issued .*wrong tries 1/);
    expect(one.out).not.toContain(code);
    expect((await cli(["users", "+10000000000"])).status).toBe(1);
    expect((await cli(["users", "someone"])).status).toBe(2);
  });

  it.skipIf(skip)("the four counters in /api/metrics, and the dashboard's panel", async () => {
    const scrape = await endpointOf(metrics, h.gateway).fetch(
      new Request("http://hookgate.local/api/metrics", { headers: { authorization: `Bearer ${METRICS_TOKEN}` } }),
    );
    const text = await scrape.text();
    expect(text).toContain("# TYPE hookgate_user_registrations_total counter");
    expect(text).toMatch(/^hookgate_user_registrations_total 2$/m);
    expect(text).toMatch(/^hookgate_otp_sent_total 2$/m);
    expect(text).toMatch(/^hookgate_otp_verified_total 1$/m);
    expect(text).toMatch(/^hookgate_otp_failed_total 1$/m);

    const overview = (await (await endpointOf(overviewRoute, h.gateway).fetch(admin("admin/overview"))).json()) as {
      users: WhatsappUserView[];
    };
    expect(overview.users).toHaveLength(2);
    const panel = await (await endpointOf(dashboard, h.gateway).fetch(admin("admin/dashboard?panel=1"))).text();
    expect(panel).toContain('data-panel="users"');
    expect(panel).toContain(`…${pendingPhone.slice(-4)}`);
    expect(panel).not.toContain(pendingPhone);
    expect(panel).toMatch(/data-metric="otp_verified">1</);
  });
});
