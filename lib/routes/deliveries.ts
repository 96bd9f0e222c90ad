// The operator's HTTP routes for delivery: the cron that drains due deliveries
// (CRON_SECRET), and the admin API for dead letters and replay (ADMIN_TOKEN).
// Bad input is a 400 naming the parameter, never a 500.
import * as z from "../config/zod.js";
import { Rejection } from "../http/errors.js";
import { intParam, limitParam, textParam, timeParam } from "../http/params.js";
import type { DeadLetterFilter } from "../store/deliveries.js";
import { route } from "./route.js";

/** vercel.json gives api/cron/deliver.ts this many seconds; the drain stops well before. */
export const DELIVER_MAX_DURATION_SECONDS = 60;
const DRAIN_BUDGET_MS = (DELIVER_MAX_DURATION_SECONDS - 8) * 1000;

/** GET (Vercel Cron) or POST (Supabase Cron via pg_net) /api/cron/deliver. */
export const cronDeliver = route(
  { route: "cron/deliver", methods: ["GET", "POST"], auth: "CRON_SECRET" },
  async (gw, { context }) => {
    const report = await (await gw.engine()).drain({ deadline: new Date(Date.now() + DRAIN_BUDGET_MS) });
    context.note({ outcome: "drained", ...report });
    return Response.json(report);
  },
);

const id = intParam(1, Number.MAX_SAFE_INTEGER, "a delivery id");
const time = timeParam;
const name = textParam(200);

export const deadLetterQuery = z.strictObject({
  destination: z.optional(name),
  provider: z.optional(name),
  type: z.optional(name),
  since: z.optional(time),
  until: z.optional(time),
  limit: z.optional(limitParam(500)),
  before: z.optional(id),
});

export const replayRequest = z
  .strictObject({
    id: z.optional(id),
    destination: z.optional(name),
    provider: z.optional(name),
    type: z.optional(name),
    since: z.optional(time),
    until: z.optional(time),
    /** Required to replay every dead delivery with no filter at all. */
    all: z.optional(z.boolean({ error: "must be true or false" })),
    dryRun: z.optional(z.boolean({ error: "must be true or false" })),
    /** At most this many, oldest first: the CLI replays in batches to show progress. */
    limit: z.optional(intParam(1, 10_000)),
  })
  .check(
    z.refine(
      (r) => r.id === undefined || (!r.destination && !r.provider && !r.type && !r.since && !r.until && !r.all),
      {
        message: "give either id or filters, not both",
      },
    ),
    z.refine((r) => r.id !== undefined || r.destination || r.provider || r.type || r.since || r.until || r.all, {
      message: "give an id, at least one filter (destination, provider, type, since, until), or all: true",
    }),
  );

/** The filter of the dead-letter list and of a bulk replay, as the store takes it. */
function filterOf(q: z.output<typeof deadLetterQuery> | z.output<typeof replayRequest>): DeadLetterFilter {
  return { destination: q.destination, provider: q.provider, eventType: q.type, since: q.since, until: q.until };
}

/** GET /api/admin/dead-letters?destination=&provider=&type=&since=&until=&limit=&before= */
export const deadLetters = route(
  { route: "admin/dead-letters", methods: ["GET"], auth: "ADMIN_TOKEN", query: deadLetterQuery },
  async (gw, { query }) => {
    const page = await gw.store.deliveries.listDeadLetters({
      ...filterOf(query),
      limit: query.limit,
      beforeId: query.before,
    });
    return Response.json(page);
  },
);

/** GET /api/admin/delivery?id= : one delivery, its event and its attempt log. */
export const delivery = route(
  { route: "admin/delivery", methods: ["GET"], auth: "ADMIN_TOKEN", query: z.strictObject({ id }) },
  async (gw, { query }) => {
    const delivery = await gw.store.deliveries.get(query.id);
    if (!delivery) throw new Rejection("not_found", `no delivery ${query.id}`);
    return Response.json(delivery);
  },
);

/** POST /api/admin/replay {id} | {destination?, provider?, type?, since?, until?, all?, dryRun?} */
export const replay = route(
  { route: "admin/replay", methods: ["POST"], auth: "ADMIN_TOKEN", body: replayRequest },
  async (gw, { body }) => {
    const result = await gw.store.deliveries.replay(body.id !== undefined ? { id: body.id } : filterOf(body), {
      dryRun: body.dryRun ?? false,
      limit: body.limit,
    });
    if (body.id !== undefined && result.matched === 0 && !body.dryRun) {
      const delivery = await gw.store.deliveries.get(body.id);
      if (!delivery) throw new Rejection("not_found", `no delivery ${body.id}`);
      return Response.json({
        ...result,
        status: delivery.status,
        message: `delivery ${body.id} is ${delivery.status}, not dead`,
      });
    }
    return Response.json(result);
  },
);
