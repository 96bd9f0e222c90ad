// The dashboard's HTML kit: escaping (every value on every page goes through it),
// times as the console prints them (ISO 8601, UTC, to the second), status pills and
// links between the views (`#/events?…`, `#/event/<id>`, `#/dead?…`).

export function escapeHtml(value: unknown): string {
  return String(value).replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );
}

export const number = (n: number) => n.toLocaleString("en-US");

/** A time the store wrote, as `2026-11-20 12:00:00` (UTC; the headers say so). */
export function utc(time: string | null | undefined): string {
  if (!time) return "—";
  const ms = Date.parse(time);
  return Number.isFinite(ms) ? new Date(ms).toISOString().slice(0, 19).replace("T", " ") : String(time);
}

/** How far `time` is from `now`, in words: `in 4 min`, `12 s ago`. */
export function relative(time: string, now: Date): string {
  const seconds = Math.round((Date.parse(time) - now.getTime()) / 1000);
  const abs = Math.abs(seconds);
  const text =
    abs < 90
      ? `${abs} s`
      : abs < 90 * 60
        ? `${Math.round(abs / 60)} min`
        : abs < 36 * 3600
          ? `${Math.round(abs / 3600)} h`
          : `${Math.round(abs / 86400)} d`;
  return seconds >= 0 ? `in ${text}` : `${text} ago`;
}

const PILL: Record<string, string> = {
  delivered: "good",
  dead: "bad",
  pending: "warn",
  in_flight: "warn",
  retry: "warn",
  none: "",
};

/** A status as a coloured pill; `data-status` carries the raw value for tests and styles. */
export function pill(status: string, label = status.replace("_", " ")): string {
  return `<span class="pill ${PILL[status] ?? ""}" data-status="${escapeHtml(status)}">${escapeHtml(label)}</span>`;
}

/** A link to a view, its parameters (empty ones left out) in the hash. */
export function viewHref(view: string, params: Record<string, string | number | null | undefined> = {}): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params))
    if (value !== undefined && value !== null && value !== "") query.set(name, String(value));
  const text = query.toString();
  return `#/${view}${text ? `?${text}` : ""}`;
}

export const eventHref = (id: string) => `#/event/${encodeURIComponent(id)}`;

/** A select whose chosen option is `value`; options as [value, label]. */
export function select(
  name: string,
  label: string,
  options: readonly (readonly [string, string])[],
  value = "",
): string {
  const items = options
    .map(
      ([v, text]) => `<option value="${escapeHtml(v)}"${v === value ? " selected" : ""}>${escapeHtml(text)}</option>`,
    )
    .join("");
  return `<label>${escapeHtml(label)} <select name="${escapeHtml(name)}">${items}</select></label>`;
}

export function input(name: string, label: string, value = "", placeholder = "", list = ""): string {
  return `<label>${escapeHtml(label)} <input name="${escapeHtml(name)}" value="${escapeHtml(value)}" placeholder="${escapeHtml(placeholder)}"${list ? ` list="${escapeHtml(list)}"` : ""} autocomplete="off"></label>`;
}

export function datalist(id: string, values: Iterable<string>): string {
  return `<datalist id="${escapeHtml(id)}">${[...values].map((v) => `<option value="${escapeHtml(v)}">`).join("")}</datalist>`;
}

/** The received-time presets of the filters: a range slides with the live refresh. */
export const RANGES = [
  ["", "any time"],
  ["15m", "last 15 min"],
  ["1h", "last hour"],
  ["24h", "last 24 h"],
  ["7d", "last 7 days"],
] as const;

const RANGE_MS: Record<string, number> = {
  "15m": 15 * 60_000,
  "1h": 3_600_000,
  "24h": 86_400_000,
  "7d": 7 * 86_400_000,
};

export type Range = "15m" | "1h" | "24h" | "7d";

/** The start of a preset range, or `since` as given. */
export function sinceOf(range: Range | undefined, since: Date | undefined, now: Date): Date | undefined {
  return range ? new Date(now.getTime() - RANGE_MS[range]!) : since;
}
