// The dashboard: one page at /api/admin/dashboard. The page itself holds no data and
// needs no token; its small inline script asks for the token once, keeps it in
// sessionStorage (gone when the tab closes), and fetches the panel — HTML and SVG
// rendered here, every value escaped — with it. Replay buttons post to the delivery
// engine's /api/admin/replay. A strict CSP allows only this page's own script and
// style (by nonce) and requests to this origin.
import { randomBytes } from "node:crypto";
import * as z from "../config/zod.js";
import { overview, type Overview } from "./admin.js";
import { destinationRates } from "../operations/metrics.js";
import { duration, percent } from "../operations/format.js";
import { openingRoute } from "./route.js";

const dashboardQuery = z.strictObject({ panel: z.optional(z.literal("1", { error: "must be 1" })) });

/** The page needs no app and no token; its panel (?panel=1) needs both. */
export const dashboard = openingRoute(
  { route: "admin/dashboard", methods: ["GET"], query: dashboardQuery },
  async ({ query, authorize }) => {
    if (!query.panel) return page();
    const gw = await authorize("ADMIN_TOKEN");
    return new Response(renderPanel(await overview(gw)), { headers: { "content-type": "text/html; charset=utf-8" } });
  },
);

function page(): Response {
  const nonce = randomBytes(16).toString("base64");
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src 'nonce-${nonce}'`,
    "connect-src 'self'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
  return new Response(shell(nonce), {
    headers: { "content-type": "text/html; charset=utf-8", "content-security-policy": csp },
  });
}

export function escapeHtml(value: unknown): string {
  return String(value).replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );
}

const STYLE = `
:root { color-scheme: light dark; --fg:#1d2430; --muted:#5b6575; --line:#d9dee7; --card:#fff; --bg:#f4f6f9; --ok:#1f883d; --bad:#cf222e; --warn:#9a6700; --bar:#4c6ef5; }
@media (prefers-color-scheme: dark) { :root { --fg:#e6edf3; --muted:#9aa4b2; --line:#30363d; --card:#161b22; --bg:#0d1117; --bar:#7c94ff; } }
* { box-sizing: border-box; }
body { margin:0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color:var(--fg); background:var(--bg); }
header { display:flex; align-items:center; gap:1rem; padding:.8rem 1.5rem; border-bottom:1px solid var(--line); background:var(--card); }
header h1 { font-size:1.1rem; margin:0; flex:1; }
main { padding:1.2rem 1.5rem; max-width:1280px; margin:0 auto; }
button { font:inherit; padding:.3rem .8rem; border:1px solid var(--line); border-radius:6px; background:var(--card); color:var(--fg); cursor:pointer; }
button.primary { background:var(--bar); color:#fff; border-color:transparent; }
button:disabled { opacity:.5; cursor:default; }
input { font:inherit; padding:.35rem .6rem; border:1px solid var(--line); border-radius:6px; width:22rem; max-width:100%; background:var(--card); color:var(--fg); }
.tiles { display:grid; grid-template-columns:repeat(auto-fit,minmax(160px,1fr)); gap:.8rem; margin-bottom:1.2rem; }
.tile, section { background:var(--card); border:1px solid var(--line); border-radius:8px; padding:.8rem 1rem; }
.tile .label { color:var(--muted); font-size:.8rem; text-transform:uppercase; letter-spacing:.03em; }
.tile .value { font-size:1.6rem; font-weight:600; font-variant-numeric:tabular-nums; }
.tile .sub { color:var(--muted); font-size:.8rem; }
.good { color:var(--ok); } .bad { color:var(--bad); } .warn { color:var(--warn); }
section { margin-bottom:1.2rem; } section h2 { font-size:1rem; margin:0 0 .6rem; }
.charts { display:grid; grid-template-columns:repeat(auto-fit,minmax(340px,1fr)); gap:.8rem; }
.chart h3 { font-size:.9rem; margin:0 0 .2rem; } .chart .sub { color:var(--muted); font-size:.8rem; }
svg.spark { width:100%; height:auto; display:block; }
svg .bar { fill:var(--bar); opacity:.75; } svg .rate { fill:none; stroke:var(--ok); stroke-width:2; }
svg .axis { stroke:var(--line); } svg text { fill:var(--muted); font-size:10px; }
table { border-collapse:collapse; width:100%; } th, td { text-align:left; padding:.35rem .5rem; border-bottom:1px solid var(--line); vertical-align:top; }
th { color:var(--muted); font-weight:500; font-size:.8rem; } td.num { text-align:right; font-variant-numeric:tabular-nums; }
.pill { display:inline-block; padding:0 .5rem; border-radius:999px; font-size:.8rem; border:1px solid currentColor; }
.empty { color:var(--muted); }
.two { display:grid; grid-template-columns:repeat(auto-fit,minmax(420px,1fr)); gap:1.2rem; }
#message { color:var(--muted); } #login { display:flex; flex-direction:column; gap:.6rem; max-width:30rem; margin:4rem auto; }
[hidden] { display:none !important; }
`;

// Runs in the browser. The token never leaves sessionStorage except in the
// Authorization header of requests to this origin.
const SCRIPT = `
"use strict";
const KEY = "hookgate.adminToken";
const login = document.getElementById("login"), panel = document.getElementById("panel");
const message = document.getElementById("message"), logout = document.getElementById("logout");
const token = () => sessionStorage.getItem(KEY);
const authed = (path, init = {}) => fetch(path, { ...init, headers: { ...(init.headers || {}), authorization: "Bearer " + token() } });
function showLogin(text) {
  login.hidden = false; panel.hidden = true; logout.hidden = true;
  document.getElementById("login-error").textContent = text || "";
}
async function load() {
  if (!token()) return showLogin("");
  const res = await authed("dashboard?panel=1");
  if (res.status === 401) { sessionStorage.removeItem(KEY); return showLogin("That token was refused."); }
  if (!res.ok) { message.textContent = "Could not load (" + res.status + "); retrying in 30 s."; return; }
  panel.innerHTML = await res.text();
  login.hidden = true; panel.hidden = false; logout.hidden = false;
  message.textContent = "Updated " + new Date().toLocaleTimeString();
}
document.getElementById("login-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const input = document.getElementById("token");
  sessionStorage.setItem(KEY, input.value.trim()); input.value = "";
  load();
});
logout.addEventListener("click", () => { sessionStorage.removeItem(KEY); panel.innerHTML = ""; showLogin(""); });
panel.addEventListener("click", async (e) => {
  const button = e.target.closest("button[data-replay]");
  if (!button) return;
  button.disabled = true;
  const res = await authed("replay", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ id: Number(button.dataset.replay) }) });
  const body = await res.json().catch(() => ({}));
  message.textContent = res.ok ? "Delivery " + button.dataset.replay + ": " + (body.replayed ? "replayed" : (body.message || "not replayed")) : "Replay failed: " + (body.message || res.status);
  await load();
});
load();
setInterval(() => { if (token() && !document.hidden) load(); }, 30000);
`;

function shell(nonce: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>hookgate</title>
<style nonce="${nonce}">${STYLE}</style>
</head>
<body>
<header><h1>hookgate</h1><span id="message" role="status"></span><button id="logout" type="button" hidden>Forget token</button></header>
<main>
<div id="login" hidden>
  <form id="login-form">
    <label for="token">Admin token (ADMIN_TOKEN). Kept in this tab only, until it closes.</label>
    <input id="token" name="token" type="password" autocomplete="off" required>
    <div><button class="primary" type="submit">Open the dashboard</button></div>
    <div id="login-error" class="bad" role="alert"></div>
  </form>
</div>
<div id="panel" hidden></div>
</main>
<script nonce="${nonce}">${SCRIPT}</script>
</body>
</html>`;
}

const number = (n: number) => n.toLocaleString("en-US");
const ms = (v: number | null) => (v === null ? "—" : `${Math.round(v)} ms`);
const rateClass = (r: number | null) => (r === null ? "" : r >= 0.99 ? "good" : r >= 0.95 ? "warn" : "bad");

function tile(label: string, value: string, metric: string, sub = "", cls = ""): string {
  return `<div class="tile"><div class="label">${escapeHtml(label)}</div><div class="value ${cls}" data-metric="${metric}">${escapeHtml(value)}</div><div class="sub">${escapeHtml(sub)}</div></div>`;
}

/** Pure: the panel for an overview. */
export function renderPanel(o: Overview): string {
  const m = o.metrics;
  const accepted24 = m.events.filter((e) => e.outcome === "accepted").reduce((n, e) => n + e.last_24h, 0);
  const rejected24 = m.events.filter((e) => e.outcome.startsWith("rejected:")).reduce((n, e) => n + e.last_24h, 0);
  const tiles = [
    tile("Webhooks, 24 h", number(accepted24), "events_24h", `${number(rejected24)} rejected (sampled)`),
    tile(
      "Success, 15 min",
      percent(m.successRate.last_15m),
      "success_15m",
      `${number(m.success.last_15m.attempts)} attempts`,
      rateClass(m.successRate.last_15m),
    ),
    tile(
      "Success, 24 h",
      percent(m.successRate.last_24h),
      "success_24h",
      `${number(m.success.last_24h.attempts)} attempts`,
      rateClass(m.successRate.last_24h),
    ),
    tile("p95 ack, 24 h", ms(m.latency.p95_ms), "p95_ms", `p50 ${ms(m.latency.p50_ms)} · p99 ${ms(m.latency.p99_ms)}`),
    tile("Dead letters", number(m.dead_letters), "dead_letters", "", m.dead_letters > 0 ? "bad" : "good"),
    tile(
      "Oldest pending",
      m.oldest_pending_seconds === null ? "none" : duration(m.oldest_pending_seconds),
      "oldest_pending",
      "",
    ),
  ].join("");

  return `<div class="tiles">${tiles}</div>
<section><h2>Volume and delivery success per provider, last 24 hours</h2><p class="empty">Bars: webhooks per hour. Line: share of delivery attempts that succeeded, per hour (top 100%, bottom 0%).</p><div class="charts">${charts(o)}</div></section>
<div class="two">
<section><h2>Dead letters</h2>${deadLetters(o)}</section>
<section><h2>Circuit breakers</h2>${breakers(o)}</section>
</div>
<div class="two">
<section><h2>Rejections by reason, last 24 hours</h2>${rejectionsByReason(o)}</section>
<section><h2>Latest rejections</h2>${latestRejections(o)}</section>
</div>`;
}

function charts(o: Overview): string {
  const providers = [...new Set(o.metrics.hourly.map((h) => h.provider))].sort();
  if (providers.length === 0) return `<p class="empty">No webhooks in the last 24 hours.</p>`;
  return providers
    .map((provider) =>
      chart(
        provider,
        o.metrics.hourly.filter((h) => h.provider === provider),
      ),
    )
    .join("");
}

const W = 360,
  H = 110,
  PAD = 18;

function chart(provider: string, hours: Overview["metrics"]["hourly"]): string {
  const byHour = new Map(hours.map((h) => [h.hour, h]));
  const events = hours.reduce((n, h) => n + h.events, 0);
  const attempts = hours.reduce((n, h) => n + h.attempts, 0);
  const delivered = hours.reduce((n, h) => n + h.delivered, 0);
  const max = Math.max(1, ...hours.map((h) => h.events));
  const slot = (W - PAD) / 24;
  const bars: string[] = [];
  const points: string[] = [];
  for (let i = 0; i < 24; i++) {
    const hour = 23 - i; // oldest on the left
    const h = byHour.get(hour);
    const x = PAD + i * slot;
    if (h && h.events > 0) {
      const height = Math.max(1, ((H - PAD) * h.events) / max);
      bars.push(
        `<rect class="bar" x="${x.toFixed(1)}" y="${(H - PAD - height).toFixed(1)}" width="${(slot - 2).toFixed(1)}" height="${height.toFixed(1)}"><title>${escapeHtml(`${h.events} webhooks, ${hour === 0 ? "this hour" : `${hour} h ago`}`)}</title></rect>`,
      );
    }
    if (h && h.attempts > 0)
      points.push(`${(x + slot / 2).toFixed(1)},${((H - PAD) * (1 - h.delivered / h.attempts)).toFixed(1)}`);
  }
  const line =
    points.length > 1
      ? `<polyline class="rate" points="${points.join(" ")}"><title>delivery success per hour</title></polyline>`
      : points.length === 1
        ? `<circle class="rate" r="2" cx="${points[0]!.split(",")[0]}" cy="${points[0]!.split(",")[1]}"/>`
        : "";
  const rate = attempts > 0 ? delivered / attempts : null;
  return `<div class="chart" data-provider="${escapeHtml(provider)}">
<h3>${escapeHtml(provider)}</h3>
<div class="sub"><span data-metric="provider_events">${number(events)}</span> ${events === 1 ? "webhook" : "webhooks"} · success <span class="${rateClass(rate)}" data-metric="provider_success">${percent(rate)}</span> of ${number(attempts)} attempts</div>
<svg class="spark" viewBox="0 0 ${W} ${H}" role="img" aria-label="${escapeHtml(`${provider}: ${events} webhooks in 24 hours, bars per hour; line: delivery success`)}">
<line class="axis" x1="${PAD}" y1="${H - PAD}" x2="${W}" y2="${H - PAD}"/>
<text x="0" y="10">${number(max)}</text><text x="${PAD}" y="${H - 4}">24 h ago</text><text x="${W - 34}" y="${H - 4}">now</text>
${bars.join("")}${line}
</svg></div>`;
}

function deadLetters(o: Overview): string {
  const items = o.dead_letters.items;
  if (items.length === 0) return `<p class="empty">No dead letters.</p>`;
  const rows = items
    .map(
      (d) =>
        `<tr data-dead-letter="${d.id}"><td class="num">${d.id}</td><td>${escapeHtml(d.destination)}</td><td>${escapeHtml(d.provider)} ${escapeHtml(d.event_type ?? "")}</td><td>${escapeHtml(d.last_error_class ?? "")}${d.last_status ? ` (${d.last_status})` : ""}<br><span class="empty">${escapeHtml((d.last_error ?? "").slice(0, 120))}</span></td><td>${escapeHtml(d.dead_at.slice(0, 19).replace("T", " "))}</td><td><button type="button" data-replay="${d.id}">Replay</button></td></tr>`,
    )
    .join("");
  const more =
    o.metrics.dead_letters > items.length
      ? `<p class="empty">Showing ${items.length} of ${number(o.metrics.dead_letters)}: <code>npx hookgate dlq</code> lists them all.</p>`
      : "";
  return `<table><thead><tr><th>id</th><th>destination</th><th>event</th><th>last error</th><th>died (UTC)</th><th></th></tr></thead><tbody>${rows}</tbody></table>${more}`;
}

function breakers(o: Overview): string {
  const rates = destinationRates(o.metrics);
  if (o.metrics.breakers.length === 0) return `<p class="empty">No destinations configured.</p>`;
  const cls = { closed: "good", open: "bad", half_open: "warn", unknown: "" } as const;
  const rows = o.metrics.breakers
    .map(
      (b) =>
        `<tr data-breaker="${escapeHtml(b.destination)}"><td>${escapeHtml(b.destination)}</td><td><span class="pill ${cls[b.state]}" data-metric="breaker_state">${escapeHtml(b.state.replace("_", "-"))}</span>${b.until && b.state === "open" ? ` <span class="empty">probe at ${escapeHtml(b.until.slice(11, 19))}</span>` : ""}</td><td class="num">${percent(rates.get(b.destination)?.last_24h ?? null)}</td></tr>`,
    )
    .join("");
  return `<table><thead><tr><th>destination</th><th>breaker</th><th>success, 24 h</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function rejectionsByReason(o: Overview): string {
  const rows = o.rejections.by_reason;
  if (rows.length === 0) return `<p class="empty">No rejections recorded.</p>`;
  return `<table><thead><tr><th>reason</th><th>provider</th><th>15 min</th><th>24 h</th></tr></thead><tbody>${rows
    .map(
      (r) =>
        `<tr data-rejection="${escapeHtml(`${r.provider}:${r.reason}`)}"><td>${escapeHtml(r.reason)}</td><td>${escapeHtml(r.provider)}</td><td class="num">${number(r.last_15m)}</td><td class="num" data-metric="rejections_24h">${number(r.last_24h)}</td></tr>`,
    )
    .join(
      "",
    )}</tbody></table><p class="empty">Rejections are sampled (REJECTION_RECORDS_PER_MINUTE): these are lower bounds.</p>`;
}

function latestRejections(o: Overview): string {
  const rows = o.rejections.latest;
  if (rows.length === 0) return `<p class="empty">None.</p>`;
  return `<table><thead><tr><th>time (UTC)</th><th>provider</th><th>reason</th><th>status</th><th>client</th></tr></thead><tbody>${rows
    .map(
      (r) =>
        `<tr><td>${escapeHtml(r.received_at.slice(0, 19).replace("T", " "))}</td><td>${escapeHtml(r.provider)}</td><td>${escapeHtml(r.reason)}</td><td class="num">${r.status}</td><td>${escapeHtml(r.client_ip)}</td></tr>`,
    )
    .join("")}</tbody></table>`;
}
