// The dashboard in a real browser: Debian's Chromium, driven by playwright-core, loads
// the page from a local server, takes the token once, shows the same numbers as the
// admin API, replays a dead letter with its button, lists and filters events, shows one
// event (headers, payload, raw body, every attempt), retries a pending delivery now,
// replays a filtered set of dead letters in bulk, and leaves screenshots.
// Skipped, saying so, where /usr/bin/chromium is absent (.ci/run installs it when it can).
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../lib/app.js";
import * as deliveries from "../../lib/routes/deliveries.js";
import { overviewRoute, type Overview } from "../../lib/routes/admin.js";
import { dashboard } from "../../lib/routes/dashboard.js";
import { percent } from "../../lib/operations/format.js";
import { seededGateway, serveRoutes, type Target } from "../operations/harness.js";
import { endpointOf } from "../support/app.js";
import { engine } from "../delivery/support.js";

const CHROMIUM = "/usr/bin/chromium";
const ADMIN_TOKEN = "admin-token-for-the-browser-0123";
export const SCREENSHOT = process.env.HOOKGATE_SCREENSHOT ?? join(tmpdir(), "hookgate-dashboard.png");
const present = existsSync(CHROMIUM);
if (!present)
  console.warn(
    `[hookgate tests] ${CHROMIUM} is absent: the dashboard browser test is SKIPPED (apt-get install -y chromium)`,
  );

describe.skipIf(!present)("the dashboard in Chromium", () => {
  let target: Target;
  let gateway: App;
  let server: { base: string; close(): Promise<void> };
  let base: string;
  let context: BrowserContext;
  let page: Page;
  let profile: string;
  const problems: string[] = [];

  beforeAll(async () => {
    ({ target, gateway } = await seededGateway({ ADMIN_TOKEN }));
    const open = async () => gateway;
    server = await serveRoutes({
      "/api/admin/dashboard": endpointOf(dashboard, open),
      "/api/admin/overview": endpointOf(overviewRoute, open),
      "/api/admin/replay": endpointOf(deliveries.replay, open),
      "/api/admin/retry": endpointOf(deliveries.retry, open),
    });
    base = server.base;

    profile = mkdtempSync(join(tmpdir(), "hookgate-chromium-"));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
      viewport: { width: 1280, height: 1000 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(message.text());
    });
    page.on("pageerror", (error) => problems.push(error.message));
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await server?.close();
    await gateway?.close();
  });

  const overview = async (): Promise<Overview> =>
    (await (
      await fetch(`${base}/api/admin/overview`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })
    ).json()) as Overview;
  const metric = (name: string) => page.locator(`[data-metric="${name}"]`).first().innerText();

  it("asks for the token once, and keeps it in sessionStorage only", async () => {
    await page.goto(`${base}/api/admin/dashboard`);
    await page.locator("#token").waitFor();
    await page.fill("#token", "a-wrong-token-0123456789");
    await page.click("button[type=submit]");
    await expect.poll(() => page.locator("#login-error").innerText()).toBe("That token was refused.");

    await page.fill("#token", ADMIN_TOKEN);
    await page.click("button[type=submit]");
    await page.locator('[data-metric="dead_letters"]').waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem("hookgate.adminToken"))).toBe(ADMIN_TOKEN);
    expect(await page.evaluate(() => localStorage.length)).toBe(0);
    expect(await context.cookies()).toEqual([]);

    // A reload stays signed in (same tab), without asking again.
    await page.reload();
    await page.locator('[data-metric="dead_letters"]').waitFor();
    expect(await page.locator("#login").isHidden()).toBe(true);
  });

  it("shows the same numbers as the admin API", async () => {
    const o = await overview();
    const m = o.metrics;
    const accepted = m.events.filter((e) => e.outcome === "accepted").reduce((n, e) => n + e.last_24h, 0);
    expect(await metric("events_24h")).toBe(String(accepted));
    expect(await metric("success_15m")).toBe(percent(m.successRate.last_15m));
    expect(await metric("success_24h")).toBe(percent(m.successRate.last_24h));
    expect(await metric("p95_ms")).toBe(`${Math.round(m.latency.p95_ms!)} ms`);
    expect(await metric("dead_letters")).toBe(String(m.dead_letters));
    expect(await metric("dead_letters")).toBe("1");
    // One chart per provider, with its 24 h volume.
    for (const provider of ["clickup", "github", "stripe"]) {
      const events = m.hourly.filter((h) => h.provider === provider).reduce((n, h) => n + h.events, 0);
      expect(await page.locator(`[data-provider="${provider}"] [data-metric="provider_events"]`).innerText()).toBe(
        String(events),
      );
      expect(await page.locator(`[data-provider="${provider}"] svg rect.bar`).count()).toBeGreaterThan(0);
    }
    expect(await page.locator('[data-breaker="crm"] [data-metric="breaker_state"]').innerText()).toBe("closed");
    const byReason = o.rejections.by_reason.find((r) => r.reason === "bad_signature")!;
    expect(
      await page.locator('[data-rejection="stripe:bad_signature"] [data-metric="rejections_24h"]').innerText(),
    ).toBe(String(byReason.last_24h));
  });

  it("replays a dead letter with its button", async () => {
    const deadId = (await overview()).dead_letters.items[0]!.id;
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    await page.click(`button[data-replay="${deadId}"]`);
    await expect
      .poll(() => page.locator("#message").innerText())
      .toMatch(new RegExp(`^Delivery ${deadId}: replayed|^Updated`));
    await expect.poll(() => metric("dead_letters")).toBe("0");
    expect(await page.locator(`button[data-replay]`).count()).toBe(0);
    const status = await target.one<{ status: string; replays: number }>(
      `select status, replays from hookgate.deliveries where id = ${deadId}`,
    );
    expect(status).toEqual({ status: "pending", replays: 1 });
    expect((await overview()).metrics.dead_letters).toBe(0);
  });

  const rows = () => page.locator("#panel tr[data-event]");
  const keysShown = async () =>
    (await page.locator("#panel tr[data-event] td.mono.clip").allInnerTexts()).map((t) => t.trim());
  const applyFilters = async (fields: Record<string, string>) => {
    for (const [name, value] of Object.entries(fields)) {
      const field = page.locator(`form[data-filter] [name="${name}"]`);
      if ((await field.evaluate((el) => el.tagName)) === "SELECT") await field.selectOption(value);
      else await field.fill(value);
    }
    await page.click("form[data-filter] button[type=submit]");
  };

  it("lists events newest first and filters them by text, provider, status and time", async () => {
    await page.click('#nav a[data-view="events"]');
    await expect.poll(() => keysShown()).toEqual(["e1", "e2", "e6", "e3", "e4", "e5"]);
    expect(await page.locator('#panel tr[data-event] [data-status="pending"]').count()).toBeGreaterThan(0);

    await applyFilters({ q: "E3" });
    await expect.poll(() => keysShown()).toEqual(["e3"]);
    expect(page.url()).toContain("#/events?q=E3");

    await applyFilters({ q: "", provider: "stripe" });
    await expect.poll(() => keysShown()).toEqual(["e1", "e2", "e5"]);
    await applyFilters({ range: "1h" });
    await expect.poll(() => keysShown()).toEqual(["e1", "e2"]);
    await applyFilters({ provider: "", range: "", status: "duplicate" });
    await expect.poll(() => keysShown()).toEqual(["e1"]);
    await applyFilters({ status: "none" });
    await expect.poll(() => keysShown()).toEqual(["e4", "e5"]);
    await applyFilters({ status: "", since: "yesterday" });
    // A refused filter is named in the form, which keeps what was typed.
    await expect
      .poll(() => page.locator("#panel [data-filter-error]").innerText())
      .toContain("since: must be an ISO 8601");
    expect(await page.locator('form[data-filter] [name="since"]').inputValue()).toBe("yesterday");

    // Cursor pages: two at a time, "Older" until the end, "Newest" back.
    await page.goto(`${base}/api/admin/dashboard#/events?limit=2`);
    await expect.poll(() => keysShown()).toEqual(["e1", "e2"]);
    await page.click("#panel a[data-older]");
    await expect.poll(() => keysShown()).toEqual(["e6", "e3"]);
    await page.click("#panel a[data-older]");
    await expect.poll(() => keysShown()).toEqual(["e4", "e5"]);
    expect(await page.locator("#panel a[data-older]").count()).toBe(0);
    await page.click("#panel a[data-newest]");
    await expect.poll(() => keysShown()).toEqual(["e1", "e2"]);
    expect(await rows().count()).toBe(2);
  });

  it("shows one event: kept headers, the payload pretty-printed, the raw body, every attempt; retry now works", async () => {
    const hostile = `<img src=x onerror="document.title='owned'">`;
    const body = JSON.stringify({ id: "evt_console", data: { note: hostile, amount: 42 } });
    const {
      event_id,
      deliveries: [created],
    } = await gateway.store.events.ingest({
      source: "stripe",
      provider: "stripe",
      dedupKey: `evt_console-${hostile}`,
      type: "charge.refunded",
      verified: true,
      body: new TextEncoder().encode(body),
      payload: JSON.parse(body),
      headers: { "content-type": "application/json", "user-agent": `Stripe/1.0 ${hostile}` },
      destinations: ["agent"],
      leaseSeconds: 0,
    });
    const deliveryId = created!.id;
    // The agent refuses connections: one failed attempt, the next one scheduled later.
    await engine(gateway).drain();

    await page.goto(`${base}/api/admin/dashboard#/events?q=evt_console`);
    await expect.poll(() => rows().count()).toBe(1);
    await page.click(`#panel tr[data-event="${event_id}"] a`);
    await page.locator(`[data-event-page="${event_id}"]`).waitFor();
    expect(page.url()).toContain(`#/event/${event_id}`);

    expect(await page.locator('[data-header="user-agent"] td').innerText()).toBe(`Stripe/1.0 ${hostile}`);
    expect(JSON.parse(await page.locator("pre[data-payload]").innerText())).toEqual(JSON.parse(body));
    expect(await page.locator("pre[data-payload]").innerText()).toContain('\n  "data": {\n    "note"');
    expect(await page.locator("pre[data-raw-body]").innerText()).toBe(body);
    // Every value escaped: the hostile text is text, never an element.
    expect(await page.locator("#panel img").count()).toBe(0);
    expect(await page.title()).toBe("hookgate");

    const delivery = page.locator(`[data-delivery="${deliveryId}"]`);
    expect(await delivery.locator('[data-status="pending"]').first().innerText()).toBe("pending");
    expect(await delivery.locator("tr[data-attempt]").count()).toBe(1);
    const first = delivery.locator('tr[data-attempt="1"] td');
    expect(await first.nth(2).innerText()).toBe("retry");
    expect(await first.nth(4).innerText()).toMatch(/^\d+ ms$/);
    expect(await first.nth(5).innerText()).not.toBe("—");
    expect(await first.nth(6).innerText()).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} \(in \d+ (s|min)\)$/);

    await page.screenshot({ path: SCREENSHOT.replace(/\.png$/, "-event.png"), fullPage: true });
    await delivery.locator('button[data-action="retry"]').click();
    await expect
      .poll(() => page.locator("#feedback").innerText())
      .toBe(`Delivery ${deliveryId} is due now: the next drain attempts it`);
    const due = await target.one<{ due: boolean }>(
      `select next_attempt_at <= now() as due from hookgate.deliveries where id = ${deliveryId}`,
    );
    expect(due.due).toBe(true);

    // The next drain attempts it; the page's own refresh shows the second attempt.
    await engine(gateway).drain();
    await expect.poll(() => delivery.locator("tr[data-attempt]").count(), { timeout: 15_000 }).toBe(2);
  });

  it("says why a delivery that is not pending is not retried", async () => {
    const delivered = await target.one<{ id: string; event_id: string }>(
      `select d.id, d.event_id from hookgate.deliveries d join hookgate.events e on e.id = d.event_id where e.dedup_key = 'e1'`,
    );
    await page.goto(`${base}/api/admin/dashboard#/event/${delivered.event_id}`);
    const delivery = page.locator(`[data-delivery="${delivered.id}"]`);
    await delivery.waitFor();
    expect(await delivery.locator('[data-status="delivered"]').first().innerText()).toBe("delivered");
    // Delivered: no action offered, and the API says why if asked anyway.
    expect(await delivery.locator("button").count()).toBe(0);
    const answer = await (
      await fetch(`${base}/api/admin/retry`, {
        method: "POST",
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
        body: JSON.stringify({ id: Number(delivered.id) }),
      })
    ).json();
    expect(answer).toMatchObject({ retried: 0, status: "delivered" });
  });

  it("leads from a dead letter to its event, and replays a filtered set in bulk with a count and progress", async () => {
    const dead = (key: string, provider: string) =>
      `insert into hookgate.events (source, provider, dedup_key, event_type, verified, raw_body, payload)
         values ('${provider}', '${provider}', '${key}', 'push', true, convert_to('{}', 'UTF8'), '{}');
       insert into hookgate.deliveries (event_id, destination, status, attempts, dead_at, last_error_class, last_status)
         select id, 'crm', 'dead', 3, now(), 'http_5xx', 502 from hookgate.events where dedup_key = '${key}';`;
    await target.exec(
      [...Array.from({ length: 5 }, (_, i) => dead(`bulk-gh-${i}`, "github")), dead("bulk-stripe", "stripe")].join(
        "\n",
      ),
    );

    await page.click('#nav a[data-view="overview"]');
    const link = page.locator("#panel tr[data-dead-letter] a[data-event-link]").first();
    const eventId = await link.getAttribute("data-event-link");
    await link.click();
    await page.locator(`[data-event-page="${eventId}"]`).waitFor();
    expect(await page.locator('[data-status="dead"]').count()).toBeGreaterThan(0);

    await page.click('#nav a[data-view="dead"]');
    await expect.poll(() => page.locator("#panel tr[data-dead-letter]").count()).toBe(6);
    await applyFilters({ provider: "github" });
    await expect.poll(() => page.locator("#panel tr[data-dead-letter]").count()).toBe(5);

    await page.click('#panel button[data-action="count"]');
    await expect.poll(() => page.locator("[data-bulk-text]").innerText()).toBe("5 dead letters match.");
    expect(await page.locator('#panel button[data-action="bulk"]').innerText()).toBe("Replay 5");
    await page.click('#panel button[data-action="bulk"]');
    await expect
      .poll(() => page.locator("#feedback").innerText())
      .toBe("Bulk replay: replayed 5 of 5 dead letters; the next drain attempts them.");
    await expect.poll(() => page.locator("#panel tr[data-dead-letter]").count()).toBe(0);
    const left = await target.one<{ github: number; stripe: number }>(
      `select count(*) filter (where e.provider = 'github')::int as github, count(*) filter (where e.provider = 'stripe')::int as stripe
         from hookgate.deliveries d join hookgate.events e on e.id = d.event_id where d.status = 'dead'`,
    );
    expect(left).toEqual({ github: 0, stripe: 1 });
    await page.screenshot({ path: SCREENSHOT.replace(/\.png$/, "-dead.png"), fullPage: true });
  });

  it("runs under its Content-Security-Policy without a single violation", () => {
    expect(problems.filter((p) => !p.includes("401"))).toEqual([]);
  });
});
