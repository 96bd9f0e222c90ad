// The dashboard's views of single webhooks: the event list (filters, cursor pages), one
// event (kept headers, payload, raw body, each delivery with every attempt, and its
// actions), and the dead letters (filters, pages, replay one or in bulk). Pure: store
// rows in, HTML out, every value escaped; the page's script wires the buttons.
import type { DeadLetterPage } from "../store/deliveries.js";
import type { EventDetail, EventSummary } from "../store/events.js";
import {
  datalist,
  escapeHtml,
  eventHref,
  input,
  number,
  pill,
  RANGES,
  relative,
  select,
  utc,
  viewHref,
} from "./dashboard-html.js";

/** The filters as the form shows them (text as typed, times as given). */
export type FilterValues = Record<string, string | undefined>;

const STATUSES = [
  ["", "any status"],
  ["pending", "pending"],
  ["delivered", "delivered"],
  ["dead", "dead"],
  ["none", "no deliveries"],
  ["accepted", "accepted once"],
  ["duplicate", "repeated (duplicates)"],
] as const;

function timeFields(f: FilterValues): string {
  return (
    select("range", "Received", RANGES, f.range ?? "") +
    input("since", "or since", f.since ?? "", "2026-11-20T10:00Z") +
    input("until", "until", f.until ?? "", "ISO 8601, UTC")
  );
}

function form(view: string, fields: string, error?: string): string {
  const problem = error ? `<p class="bad" role="alert" data-filter-error>${escapeHtml(error)}</p>` : "";
  return `<form class="filters" data-filter="${escapeHtml(view)}">${fields}<div class="buttons"><button class="primary" type="submit">Apply</button> <a href="${escapeHtml(viewHref(view))}">Clear</a></div></form>${problem}`;
}

/** The empty pages a refused filter shows beneath its form. */
export const NO_EVENTS: { items: EventSummary[]; next_cursor: null } = { items: [], next_cursor: null };
export const NO_DEAD_LETTERS: DeadLetterPage = { items: [], next_before_id: null };

const noEvents = (filtered: boolean) =>
  `<p class="empty" data-empty>${filtered ? "No event matches these filters." : "No events recorded yet: send one (npm run send) and it appears here."}</p>`;

/** The event list: newest first, one page, the cursor of the next in the "Older" link. */
export function renderEvents(
  page: { items: EventSummary[]; next_cursor: string | null },
  filters: FilterValues,
  providers: readonly string[],
  error?: string,
): string {
  const { cursor, ...rest } = filters;
  const filtered = Object.values(rest).some((v) => v);
  const fields =
    input("q", "Search", rest.q ?? "", "event id or dedup key") +
    input("provider", "Provider", rest.provider ?? "", "any", "providers") +
    input("type", "Type", rest.type ?? "", "any") +
    select("status", "Status", STATUSES, rest.status ?? "") +
    timeFields(rest) +
    datalist("providers", providers);
  const rows = page.items
    .map(
      (e) => `<tr data-event="${escapeHtml(e.id)}">
<td>${escapeHtml(utc(e.received_at))}</td>
<td>${escapeHtml(e.provider)}</td>
<td>${escapeHtml(e.event_type ?? "—")}</td>
<td><a href="${escapeHtml(eventHref(e.id))}" class="mono">${escapeHtml(e.id.slice(0, 8))}</a></td>
<td class="mono clip" title="${escapeHtml(e.dedup_key)}">${escapeHtml(e.dedup_key)}</td>
<td>${pill(e.status, e.status === "none" ? "no deliveries" : e.status)}</td>
<td class="num">${number(e.deliveries)}</td>
<td class="num">${e.duplicates > 0 ? `<span class="warn" title="the provider sent it again">×${number(e.duplicates + 1)}</span>` : "1"}</td>
<td class="num">${e.ack_ms === null ? "—" : `${number(e.ack_ms)} ms`}</td>
</tr>`,
    )
    .join("");
  const table =
    page.items.length === 0
      ? noEvents(filtered)
      : `<table class="list"><thead><tr><th>received (UTC)</th><th>provider</th><th>type</th><th>event</th><th>dedup key</th><th>status</th><th>deliveries</th><th>sent</th><th>ack</th></tr></thead><tbody>${rows}</tbody></table>`;
  const pager = [
    cursor ? `<a href="${escapeHtml(viewHref("events", rest))}" data-newest>← Newest</a>` : "",
    page.next_cursor
      ? `<a href="${escapeHtml(viewHref("events", { ...rest, cursor: page.next_cursor }))}" data-older>Older →</a>`
      : "",
  ].join(" ");
  const bulk =
    rest.status === "dead"
      ? `<p><a href="${escapeHtml(viewHref("dead", { provider: rest.provider, type: rest.type, range: rest.range, since: rest.since, until: rest.until }))}">Replay these dead letters in bulk →</a></p>`
      : "";
  return `<section><h2>Events</h2>${form("events", fields, error)}${error ? "" : bulk + table}<nav class="pager">${pager}</nav></section>`;
}

type Delivery = EventDetail["deliveries"][number];
type Attempt = Delivery["log"][number];

/** When the attempt after this one came, or is due (the log holds no schedule of its own). */
function nextAfter(delivery: Delivery, index: number, now: Date): string {
  const attempt = delivery.log[index]!;
  if (attempt.outcome === "dead") return pill("dead");
  if (attempt.outcome === "delivered") return "—";
  const next = delivery.log[index + 1];
  if (next) return escapeHtml(utc(next.attempted_at));
  if (delivery.status === "pending" || delivery.status === "in_flight")
    return `${escapeHtml(utc(delivery.next_attempt_at))} <span class="empty">(${escapeHtml(relative(delivery.next_attempt_at, now))})</span>`;
  return "—";
}

function attemptRow(delivery: Delivery, a: Attempt, index: number, now: Date): string {
  const error = [a.error_class, a.error].filter(Boolean).join(": ");
  return `<tr data-attempt="${a.attempt}"><td class="num">${a.attempt}</td><td>${escapeHtml(utc(a.attempted_at))}</td><td>${pill(a.outcome)}</td><td class="num">${a.status ?? "—"}</td><td class="num">${number(a.duration_ms)} ms</td><td class="error">${escapeHtml(error || "—")}${a.response ? `<details><summary>answer</summary><pre>${escapeHtml(a.response)}</pre></details>` : ""}</td><td>${nextAfter(delivery, index, now)}</td></tr>`;
}

/** What an operator can do with a delivery in its state. */
function actions(d: { id: number; status: string }): string {
  if (d.status === "dead")
    return `<button type="button" class="primary" data-action="replay" data-id="${d.id}" data-replay="${d.id}">Replay</button>`;
  if (d.status === "pending")
    return `<button type="button" data-action="retry" data-id="${d.id}" title="make it due now; the breaker still applies">Retry now</button>`;
  return "";
}

function delivery(d: Delivery, now: Date): string {
  const due =
    d.status === "pending" || d.status === "in_flight"
      ? ` · next attempt ${escapeHtml(utc(d.next_attempt_at))} (${escapeHtml(relative(d.next_attempt_at, now))})`
      : d.status === "delivered"
        ? ` · delivered ${escapeHtml(utc(d.delivered_at))}`
        : d.status === "dead"
          ? ` · dead since ${escapeHtml(utc(d.dead_at))}`
          : "";
  const log =
    d.log.length === 0
      ? `<p class="empty">No attempt yet.</p>`
      : `<table class="attempts"><thead><tr><th>#</th><th>time (UTC)</th><th>outcome</th><th>status</th><th>duration</th><th>error</th><th>next attempt</th></tr></thead><tbody>${d.log.map((a, i) => attemptRow(d, a, i, now)).join("")}</tbody></table>`;
  return `<div class="delivery" data-delivery="${d.id}">
<div class="delivery-head"><h3>Delivery ${d.id} → ${escapeHtml(d.destination)}</h3>${pill(d.status)}<span class="empty">${number(d.attempts)} ${d.attempts === 1 ? "attempt" : "attempts"}${d.replays ? ` · replayed ${number(d.replays)}×` : ""}${due}</span><span class="actions">${actions(d)}</span></div>
${log}</div>`;
}

/** The raw body as text when it is UTF-8, else base64, saying which. */
function rawBody(e: EventDetail): string {
  const bytes = Buffer.from(e.body_base64, "base64");
  const cut =
    e.body_bytes > bytes.length ? ` (the first ${number(bytes.length)} of ${number(e.body_bytes)} bytes)` : "";
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return `<p class="empty">${number(e.body_bytes)} bytes, as received${cut}.</p><pre data-raw-body>${escapeHtml(text)}</pre>`;
  } catch {
    return `<p class="empty">${number(e.body_bytes)} bytes, not UTF-8: shown in base64${cut}.</p><pre data-raw-body>${escapeHtml(e.body_base64)}</pre>`;
  }
}

function payload(e: EventDetail): string {
  if (e.payload === null || e.payload === undefined)
    return `<p class="empty">${e.payload_error ? `Not kept as JSON: ${escapeHtml(e.payload_error)}` : "No parsed payload (the body is not JSON): see the raw body."}</p>`;
  return `<pre data-payload>${escapeHtml(JSON.stringify(e.payload, null, 2))}</pre>`;
}

function headers(e: EventDetail): string {
  const rows = Object.entries(e.headers).sort(([a], [b]) => a.localeCompare(b));
  if (rows.length === 0) return `<p class="empty">No headers kept.</p>`;
  return `<table class="headers"><tbody>${rows.map(([name, value]) => `<tr data-header="${escapeHtml(name)}"><th class="mono">${escapeHtml(name)}</th><td class="mono">${escapeHtml(value)}</td></tr>`).join("")}</tbody></table><p class="empty">Only the headers hookgate keeps: signatures and secrets are never stored.</p>`;
}

function fact(label: string, value: string, cls = ""): string {
  return `<div><dt>${escapeHtml(label)}</dt><dd class="${cls}">${value}</dd></div>`;
}

/** One event: what arrived, and everything that happened to it since. */
export function renderEvent(e: EventDetail, now = new Date()): string {
  const facts = [
    fact("event id", escapeHtml(e.id), "mono"),
    fact("dedup key", escapeHtml(e.dedup_key), "mono"),
    fact("received (UTC)", escapeHtml(utc(e.received_at))),
    fact(
      "verified",
      e.verified ? `<span class="good">signature verified</span>` : `<span class="bad">not verified</span>`,
    ),
    fact("acknowledged in", e.ack_ms === null ? "—" : `${number(e.ack_ms)} ms`),
    fact(
      "sent",
      e.duplicates > 0
        ? `<span class="warn">${number(e.duplicates + 1)} times (${number(e.duplicates)} acknowledged as duplicates)</span>`
        : "once",
    ),
    fact("source", escapeHtml(e.source)),
  ].join("");
  const deliveries =
    e.deliveries.length === 0
      ? `<p class="empty">No deliveries: no route sends ${escapeHtml(e.provider)} ${escapeHtml(e.event_type ?? "")} events anywhere.</p>`
      : e.deliveries.map((d) => delivery(d, now)).join("");
  return `<p class="crumbs"><a href="#/events">← Events</a> · <a href="${escapeHtml(viewHref("events", { provider: e.provider }))}">more from ${escapeHtml(e.provider)}</a></p>
<section data-event-page="${escapeHtml(e.id)}"><h2>${escapeHtml(e.provider)} · ${escapeHtml(e.event_type ?? "(no type)")}</h2><dl class="facts">${facts}</dl></section>
<section><h2>Deliveries</h2>${deliveries}</section>
<div class="two">
<section><h2>Headers</h2>${headers(e)}</section>
<section><h2>Payload</h2>${payload(e)}</section>
</div>
<section><h2>Raw body</h2>${rawBody(e)}</section>`;
}

/** The filter of a bulk replay, as POST /api/admin/replay takes it (all: true when there is none). */
export type ReplayFilter = Partial<Record<"destination" | "provider" | "type" | "since" | "until", string>> & {
  all?: true;
};

/** The dead letters: filters, a page, a replay button per row, and bulk replay of the filtered set. */
export function renderDeadLetters(
  page: DeadLetterPage,
  filters: FilterValues,
  replayFilter: ReplayFilter,
  destinations: readonly string[],
  error?: string,
): string {
  const { before, ...rest } = filters;
  const filtered = Object.values(rest).some((v) => v);
  const fields =
    select(
      "destination",
      "Destination",
      [["", "any destination"], ...destinations.map((d) => [d, d] as const)],
      rest.destination ?? "",
    ) +
    input("provider", "Provider", rest.provider ?? "", "any") +
    input("type", "Type", rest.type ?? "", "any") +
    timeFields(rest);
  const rows = page.items
    .map(
      (d) => `<tr data-dead-letter="${d.id}">
<td class="num">${d.id}</td>
<td>${escapeHtml(d.destination)}</td>
<td><a href="${escapeHtml(eventHref(d.event_id))}" data-event-link="${escapeHtml(d.event_id)}">${escapeHtml(d.provider)} ${escapeHtml(d.event_type ?? "")}</a></td>
<td class="num">${number(d.attempts)}</td>
<td class="error">${escapeHtml(d.last_error_class ?? "")}${d.last_status ? ` (${d.last_status})` : ""}<br><span class="empty">${escapeHtml((d.last_error ?? "").slice(0, 160))}</span></td>
<td>${escapeHtml(utc(d.dead_at))}</td>
<td><button type="button" data-action="replay" data-id="${d.id}" data-replay="${d.id}">Replay</button></td>
</tr>`,
    )
    .join("");
  const table =
    page.items.length === 0
      ? `<p class="empty" data-empty>${filtered ? "No dead letter matches these filters." : "No dead letters."}</p>`
      : `<table class="list"><thead><tr><th>delivery</th><th>destination</th><th>event</th><th>attempts</th><th>last error</th><th>died (UTC)</th><th></th></tr></thead><tbody>${rows}</tbody></table>`;
  const pager = [
    before ? `<a href="${escapeHtml(viewHref("dead", rest))}" data-newest>← Newest</a>` : "",
    page.next_before_id
      ? `<a href="${escapeHtml(viewHref("dead", { ...rest, before: page.next_before_id }))}" data-older>Older →</a>`
      : "",
  ].join(" ");
  const bulk = `<div class="bulk" data-bulk-filter="${escapeHtml(JSON.stringify(replayFilter))}">
<strong>Bulk replay</strong> <span class="empty">${filtered ? "every dead letter these filters match" : "every dead letter (no filter)"}, oldest first, in batches</span>
<div><button type="button" data-action="count">Count them (dry run)</button> <button type="button" class="primary" data-action="bulk" hidden>Replay</button>
<progress data-bulk-progress value="0" max="1" hidden></progress> <span data-bulk-text role="status"></span></div></div>`;
  return `<section><h2>Dead letters</h2>${form("dead", fields, error)}${error ? "" : bulk + table}<nav class="pager">${pager}</nav></section>`;
}
