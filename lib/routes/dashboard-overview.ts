// The dashboard's overview: tiles, hourly bars per provider, dead letters (each linked
// to its event), breakers and rejections. Pure: an Overview in, HTML out.
import type { Overview } from "./admin.js";
import { destinationRates } from "../operations/metrics.js";
import { duration, percent } from "../operations/format.js";
import { escapeHtml, eventHref, number, utc } from "./dashboard-html.js";

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
<section><h2><a href="#/dead">Dead letters</a></h2>${deadLetters(o)}</section>
<section><h2>Circuit breakers</h2>${breakers(o)}</section>
</div>
<div class="two">
<section><h2>Rejections by reason, last 24 hours</h2>${rejectionsByReason(o)}</section>
<section><h2>Latest rejections</h2>${latestRejections(o)}</section>
</div>${onboarding(o)}`;
}

/** The WhatsApp onboarding: its counts and latest users; absent where no one has registered. */
function onboarding(o: Overview): string {
  const c = o.metrics.onboarding;
  if (o.users.length === 0 && c.registrations === 0) return "";
  const counts = [
    ["Registered", c.registrations, "user_registrations"],
    ["Codes sent", c.otp_sent, "otp_sent"],
    ["Verified", c.otp_verified, "otp_verified"],
    ["Codes refused", c.otp_failed, "otp_failed"],
  ] as const;
  const tiles = counts.map(([label, value, metric]) => tile(label, number(Number(value)), metric)).join("");
  const rows = o.users
    .map(
      (u) =>
        `<tr data-user="${escapeHtml(u.id)}"><td>${escapeHtml(masked(u.phone))}</td><td>${escapeHtml(u.profile_name ?? "")}</td><td>${escapeHtml(u.preferences.channel ?? u.channel)}</td><td><span class="pill ${u.verified ? "good" : "warn"}" data-metric="user_verified">${u.verified ? "verified" : "unverified"}</span>${u.opted_out ? ' <span class="pill bad">opted out</span>' : ""}</td><td data-metric="code_state">${escapeHtml(u.code.state)}</td><td>${escapeHtml(utc(u.created_at))}</td></tr>`,
    )
    .join("");
  return `<section data-panel="users"><h2>WhatsApp onboarding</h2><div class="tiles">${tiles}</div>
<table><thead><tr><th>phone</th><th>name</th><th>channel</th><th>state</th><th>code</th><th>registered (UTC)</th></tr></thead><tbody>${rows}</tbody></table>
<p class="empty">Latest ${o.users.length} users; numbers shown by their last 4 digits (<code>npx hookgate users</code> has them in full).</p></section>`;
}

/** A number on a screen others may see: its last four digits. */
function masked(phone: string): string {
  return `…${phone.slice(-4)}`;
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
        `<tr data-dead-letter="${d.id}"><td class="num">${d.id}</td><td>${escapeHtml(d.destination)}</td><td><a href="${escapeHtml(eventHref(d.event_id))}" data-event-link="${escapeHtml(d.event_id)}">${escapeHtml(d.provider)} ${escapeHtml(d.event_type ?? "")}</a></td><td>${escapeHtml(d.last_error_class ?? "")}${d.last_status ? ` (${d.last_status})` : ""}<br><span class="empty">${escapeHtml((d.last_error ?? "").slice(0, 120))}</span></td><td>${escapeHtml(utc(d.dead_at))}</td><td><button type="button" data-action="replay" data-id="${d.id}" data-replay="${d.id}">Replay</button></td></tr>`,
    )
    .join("");
  const more =
    o.metrics.dead_letters > items.length
      ? `<p class="empty">Showing ${items.length} of ${number(o.metrics.dead_letters)}: <a href="#/dead">all dead letters</a>, filtered and replayed in bulk.</p>`
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
        `<tr><td>${escapeHtml(utc(r.received_at))}</td><td>${escapeHtml(r.provider)}</td><td>${escapeHtml(r.reason)}</td><td class="num">${r.status}</td><td>${escapeHtml(r.client_ip)}</td></tr>`,
    )
    .join("")}</tbody></table>`;
}
