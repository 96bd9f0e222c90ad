// The dashboard in a real browser: Debian's Chromium, driven by playwright-core, loads
// the page from a local server, takes the token once, shows the same numbers as the
// admin API, replays a dead letter with its button, and leaves a screenshot.
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

  it("runs under its Content-Security-Policy without a single violation", () => {
    expect(problems.filter((p) => !p.includes("401"))).toEqual([]);
  });
});
