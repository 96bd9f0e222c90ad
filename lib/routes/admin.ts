// The admin API (ADMIN_TOKEN) for events and ClickUp routing decisions, and the
// overview the dashboard and `npx hookgate status` read. Dead letters and replay are
// the delivery engine's routes (lib/routes/deliveries.ts).
import * as z from "../config/zod.js";
import { Rejection } from "../http/errors.js";
import { inTimeRange, limitParam, textParam, timeParam } from "../http/params.js";
import type { DeadLetterPage } from "../store/deliveries.js";
import { snapshot, type Snapshot, type SnapshotSources } from "../operations/metrics.js";
import type { EventCursor } from "../store/events.js";
import { route } from "./route.js";
import type { Store } from "../store/store.js";
import type { WhatsappUserView } from "../store/whatsapp-users.js";

const uuid = z.uuid({ error: "must be an event id (a UUID)" });

const STORE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}(:?\d{2})?)$/;

/** Opaque to clients: base64url of the last row's (received_at, id). */
export function encodeCursor(cursor: EventCursor): string {
  return Buffer.from(JSON.stringify([cursor.receivedAt, cursor.id])).toString("base64url");
}

export function decodeCursor(text: string): EventCursor | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
    if (!Array.isArray(value) || value.length !== 2) return null;
    const [receivedAt, id] = value as unknown[];
    // Kept as the store wrote it (microseconds): a Date would round it and skip rows.
    if (typeof receivedAt !== "string" || !STORE_TIME.test(receivedAt) || !inTimeRange(Date.parse(receivedAt)))
      return null;
    if (!uuid.safeParse(id).success) return null;
    return { receivedAt, id: id as string };
  } catch {
    return null;
  }
}

const cursor = z.pipe(
  z.pipe(z.string().check(z.maxLength(200)), z.transform(decodeCursor)),
  z.custom<EventCursor>((decoded) => decoded !== null, "is not a cursor this API gave out"),
);

const queryName = textParam(200);
const queryLimit = limitParam(500);

export const eventsQuery = z.strictObject({
  provider: z.optional(queryName),
  type: z.optional(queryName),
  status: z.optional(
    z.enum(["none", "pending", "delivered", "dead", "accepted", "duplicate"], {
      error: "must be one of none, pending, delivered, dead, accepted, duplicate",
    }),
  ),
  // Not trimmed: a key is matched exactly as the provider's ids made it.
  dedup_key: z.optional(textParam(4096, { trim: false })),
  /** Free text: the beginning of an event id, or part of a dedup key. */
  q: z.optional(textParam(200)),
  since: z.optional(timeParam),
  until: z.optional(timeParam),
  limit: z.optional(queryLimit),
  cursor: z.optional(cursor),
});

/** One page of events for these query parameters, as the API and the dashboard list them. */
export async function eventsPage(store: Pick<Store, "events">, q: z.output<typeof eventsQuery>) {
  const page = await store.events.list(
    {
      provider: q.provider,
      type: q.type,
      status: q.status,
      dedupKey: q.dedup_key,
      search: q.q,
      since: q.since,
      until: q.until,
    },
    { limit: q.limit ?? 50, after: q.cursor },
  );
  return { items: page.items, next_cursor: page.next ? encodeCursor(page.next) : null };
}

/** GET /api/admin/events?provider=&type=&status=&dedup_key=&q=&since=&until=&limit=&cursor= */
export const events = route(
  { route: "admin/events", methods: ["GET"], auth: "ADMIN_TOKEN", query: eventsQuery },
  async (gw, { query }) => Response.json(await eventsPage(gw.store, query)),
);

/** GET /api/admin/event?id= : the event, its deliveries and every attempt. */
export const event = route(
  { route: "admin/event", methods: ["GET"], auth: "ADMIN_TOKEN", query: z.strictObject({ id: uuid }) },
  async (gw, { query: { id } }) => {
    const event = await gw.store.events.get(id);
    if (!event) throw new Rejection("not_found", `no event ${id}`);
    return Response.json(event);
  },
);

/** GET /api/admin/routing?task= | ?event= : the ClickUp routing decisions taken, newest first. */
const routingQuery = z
  .strictObject({ task: z.optional(textParam(100)), event: z.optional(uuid), limit: z.optional(queryLimit) })
  .check(
    z.refine((q) => (q.task === undefined) !== (q.event === undefined), {
      message: "give task (a ClickUp task id) or event (an event id)",
    }),
  );

export const routing = route(
  { route: "admin/routing", methods: ["GET"], auth: "ADMIN_TOKEN", query: routingQuery },
  async (gw, { query: q }) => {
    const decisions = await gw.store.clickup.routingDecisions({
      taskId: q.task,
      eventId: q.event,
      limit: q.limit ?? 20,
    });
    return Response.json({ decisions });
  },
);

export interface Rejection24h {
  provider: string;
  reason: string;
  last_15m: number;
  last_24h: number;
}

export interface LatestRejection {
  id: number;
  received_at: string;
  provider: string;
  reason: string;
  status: number;
  client_ip: string;
}

export interface Overview {
  metrics: Snapshot;
  dead_letters: DeadLetterPage;
  rejections: { by_reason: Rejection24h[]; latest: LatestRejection[] };
  /** The WhatsApp onboarding's latest users (none where it is off). */
  users: WhatsappUserView[];
}

/** Everything the dashboard shows, in one object (five store calls, in parallel). */
export async function overview(gateway: SnapshotSources, now?: Date): Promise<Overview> {
  const [metrics, deadLetters, latest, users] = await Promise.all([
    snapshot(gateway, now),
    gateway.store.deliveries.listDeadLetters({ limit: 20 }),
    gateway.store.rejections.list({ limit: 20 }),
    gateway.store.whatsapp.list({ limit: 20, now }),
  ]);
  const byReason = metrics.events
    .filter((e) => e.outcome.startsWith("rejected:"))
    .map((e) => ({
      provider: e.provider,
      reason: e.outcome.slice("rejected:".length),
      last_15m: e.last_15m,
      last_24h: e.last_24h,
    }))
    .sort((a, b) => b.last_24h - a.last_24h);
  return {
    metrics,
    dead_letters: deadLetters,
    rejections: {
      by_reason: byReason,
      latest: latest.map(({ id, received_at, provider, reason, status, client_ip }) => ({
        id: Number(id),
        received_at,
        provider,
        reason,
        status,
        client_ip,
      })),
    },
    users,
  };
}

/** GET /api/admin/overview : the dashboard's numbers as JSON. */
export const overviewRoute = route(
  { route: "admin/overview", methods: ["GET"], auth: "ADMIN_TOKEN", query: z.strictObject({}) },
  async (gw) => Response.json(await overview(gw)),
);
