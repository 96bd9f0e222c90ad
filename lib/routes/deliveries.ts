// The operator's HTTP routes for delivery: the cron that drains due deliveries
// (CRON_SECRET), and the admin API for dead letters, replay and retry now (ADMIN_TOKEN).
// Bad input is a 400 naming the parameter, never a 500.
import * as z from "../config/zod.js";
import { Rejection } from "../http/errors.js";
import { intParam, limitParam, textParam, timeParam } from "../http/params.js";
import { readBreakers } from "../operations/breakers.js";
import type { DeadLetterFilter, DeliveryDetail } from "../store/deliveries.js";
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

type FilterInput = Pick<z.output<typeof deadLetterQuery>, "destination" | "provider" | "type" | "since" | "until">;

/** The filter of the dead-letter list, a bulk replay or a bulk retry, as the store takes it. */
function filterOf(q: FilterInput): DeadLetterFilter {
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

/** Why a delivery that is not pending was not made due, in words an operator can act on. */
function notPending(delivery: DeliveryDetail): string {
  switch (delivery.status) {
    case "in_flight":
      return `delivery ${delivery.id} is being attempted now (in flight): that attempt's outcome decides the next one`;
    case "dead":
      return `delivery ${delivery.id} is dead, not pending: replay it (POST /api/admin/replay) to try again`;
    case "delivered":
      return `delivery ${delivery.id} is delivered, not pending: nothing to retry (replay sends a dead one again)`;
    default:
      return `delivery ${delivery.id} is ${delivery.status}, not pending`;
  }
}

/**
 * POST /api/admin/retry {id} | {destination?, provider?, type?, since?, until?, all?, dryRun?, limit?}
 * Makes pending deliveries due now; the next drain attempts them, through the breaker.
 */
export const retry = route(
  // The same id-or-filters body as replay, under the same rules.
  { route: "admin/retry", methods: ["POST"], auth: "ADMIN_TOKEN", body: replayRequest },
  async (gw, { body }) => {
    const options = { dryRun: body.dryRun ?? false, limit: body.limit };
    if (body.id === undefined) return Response.json(await gw.store.deliveries.retryNow(filterOf(body), options));

    const result = await gw.store.deliveries.retryNow({ id: body.id }, options);
    const delivery = await gw.store.deliveries.get(body.id);
    if (!delivery) throw new Rejection("not_found", `no delivery ${body.id}`);
    if (result.matched === 0)
      return Response.json({ ...result, status: delivery.status, message: notPending(delivery) });
    // The engine still asks the breaker: an open one defers the attempt until its probe.
    const [breaker] = await readBreakers(gw.kv, [delivery.destination]);
    const deferred = breaker?.state === "open";
    return Response.json({
      ...result,
      status: delivery.status,
      next_attempt_at: delivery.next_attempt_at,
      breaker: breaker?.state ?? "unknown",
      message: deferred
        ? `delivery ${body.id} is due now, but the breaker of ${delivery.destination} is open: the next drain defers it${breaker.until ? ` until ${breaker.until}` : ""}`
        : `delivery ${body.id} is due now: the next drain attempts it`,
    });
  },
);
