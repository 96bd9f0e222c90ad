// The dashboard: one page at /api/admin/dashboard. The page itself holds no data and
// needs no token (lib/routes/dashboard-page.ts); its script fetches each view with the
// token — ?panel=1 the overview, ?panel=events the event list, ?panel=event&id= one
// event, ?panel=dead the dead letters — as HTML rendered here, every value escaped.
// Its buttons post to the admin API (/api/admin/replay, /api/admin/retry). A strict
// CSP allows only this page's own script and style (by nonce) and requests to this origin.
import { randomBytes } from "node:crypto";
import * as z from "../config/zod.js";
import { Rejection } from "../http/errors.js";
import { parseParams } from "../http/params.js";
import { providers } from "../providers/catalog.js";
import type { App } from "../app.js";
import { eventsPage, eventsQuery, overview } from "./admin.js";
import {
  NO_DEAD_LETTERS,
  NO_EVENTS,
  renderDeadLetters,
  renderEvent,
  renderEvents,
  type FilterValues,
  type ReplayFilter,
} from "./dashboard-events.js";
import { sinceOf } from "./dashboard-html.js";
import { renderPanel } from "./dashboard-overview.js";
import { shell } from "./dashboard-page.js";
import { deadLetterQuery } from "./deliveries.js";
import { openingRoute } from "./route.js";

const range = z.enum(["15m", "1h", "24h", "7d"], { error: "must be one of 15m, 1h, 24h, 7d" });

const PANELS = {
  "1": z.strictObject({ panel: z.literal("1") }),
  events: z.strictObject({ ...eventsQuery.shape, panel: z.literal("events"), range: z.optional(range) }),
  event: z.strictObject({ panel: z.literal("event"), id: z.uuid({ error: "must be an event id (a UUID)" }) }),
  dead: z.strictObject({ ...deadLetterQuery.shape, panel: z.literal("dead"), range: z.optional(range) }),
} as const;

const panelName = z.enum(Object.keys(PANELS) as [keyof typeof PANELS], {
  error: "must be 1, events, event or dead",
});

/** The page needs no app and no token; its views (?panel=) need both. */
export const dashboard = openingRoute(
  { route: "admin/dashboard", methods: ["GET"], query: z.record(z.string(), z.string()) },
  async ({ query, authorize }) => {
    if (Object.keys(query).length === 0) return page();
    const gw = await authorize("ADMIN_TOKEN");
    const panel = parseParams(z.looseObject({ panel: panelName }), query).panel;
    return html(await render(gw, panel, query));
  },
);

/** What a filter form shows: the parameters as given (times as typed, not as parsed). */
const shown = (query: Record<string, string>): FilterValues => {
  const { panel: _panel, ...rest } = query;
  return rest;
};

const providerNames = () => providers.map((p) => p.name);
const destinationsOf = (gw: App) => [...gw.routing.destinations.keys()].sort();

/**
 * A filter form's parameters through their schema. A refusal is shown in the form, as
 * typed, for the operator to correct (the admin API answers the same input with a 400).
 */
function refused<T>(schema: z.Schema<T>, query: Record<string, string>): { value: T } | { error: string } {
  try {
    return { value: parseParams(schema, query) };
  } catch (error) {
    if (error instanceof Rejection && error.kind === "bad_request") return { error: error.message };
    throw error;
  }
}

async function render(gw: App, panel: keyof typeof PANELS, query: Record<string, string>): Promise<string> {
  const now = new Date();
  switch (panel) {
    case "1":
      parseParams(PANELS[1], query);
      return renderPanel(await overview(gw));
    case "events": {
      const parsed = refused(PANELS.events, query);
      if ("error" in parsed) return renderEvents(NO_EVENTS, shown(query), providerNames(), parsed.error);
      const q = parsed.value;
      const page = await eventsPage(gw.store, { ...q, since: sinceOf(q.range, q.since, now) });
      return renderEvents(
        page,
        shown(query),
        providers.map((p) => p.name),
      );
    }
    case "event": {
      const { id } = parseParams(PANELS.event, query);
      const event = await gw.store.events.get(id);
      if (!event) throw new Rejection("not_found", `no event ${id}: it may have been removed by retention`);
      return renderEvent(event, now);
    }
    case "dead": {
      const parsed = refused(PANELS.dead, query);
      if ("error" in parsed)
        return renderDeadLetters(NO_DEAD_LETTERS, shown(query), {}, destinationsOf(gw), parsed.error);
      const q = parsed.value;
      const since = sinceOf(q.range, q.since, now);
      const filter = { destination: q.destination, provider: q.provider, eventType: q.type, since, until: q.until };
      const page = await gw.store.deliveries.listDeadLetters({ ...filter, limit: q.limit ?? 50, beforeId: q.before });
      // The bulk replay posts exactly this filter (a range fixed at the time of the page).
      const replay: ReplayFilter = Object.fromEntries(
        Object.entries({
          destination: q.destination,
          provider: q.provider,
          type: q.type,
          since: since?.toISOString(),
          until: q.until?.toISOString(),
        }).filter(([, v]) => v !== undefined),
      );
      if (Object.keys(replay).length === 0) replay.all = true;
      return renderDeadLetters(page, shown(query), replay, destinationsOf(gw));
    }
  }
}

function html(body: string): Response {
  return new Response(body, { headers: { "content-type": "text/html; charset=utf-8" } });
}

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
