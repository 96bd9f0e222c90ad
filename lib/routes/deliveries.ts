// The operator's HTTP routes for delivery: the cron that drains due deliveries
// (CRON_SECRET), and the admin API for dead letters and replay (ADMIN_TOKEN).
// Bad input is a 400 naming the parameter, never a 500.
import { z } from "zod";
import { sharedGateway, type Gateway } from "../gateway.js";
import { requireBearer } from "../http/auth.js";
import { endpoint, type Endpoint } from "../http/endpoint.js";
import { Rejection } from "../http/errors.js";
import { intParam, limitParam, parseParams, queryOf, textParam, timeParam } from "../http/params.js";
import { readBody } from "../ingest/body.js";
import { engineFor } from "../delivery/engine.js";

/** vercel.json gives api/cron/deliver.ts this many seconds; the drain stops well before. */
export const DELIVER_MAX_DURATION_SECONDS = 60;
const DRAIN_BUDGET_MS = (DELIVER_MAX_DURATION_SECONDS - 8) * 1000;

/** GET (Vercel Cron) or POST (Supabase Cron via pg_net) /api/cron/deliver. */
export function cronDeliver(gateway: () => Promise<Gateway> = sharedGateway): Endpoint {
  return endpoint("cron/deliver", ["GET", "POST"], async (request, context) => {
    const gw = await gateway();
    requireBearer(request, gw.config.env.CRON_SECRET, "CRON_SECRET");
    const report = await engineFor(gw).drain({ deadline: new Date(Date.now() + DRAIN_BUDGET_MS) });
    context.note({ outcome: "drained", ...report });
    return Response.json(report);
  });
}

const id = intParam(1, Number.MAX_SAFE_INTEGER, "a delivery id");
const time = timeParam;
const name = textParam(200);

export const deadLetterQuery = z
  .object({
    destination: name.optional(),
    provider: name.optional(),
    type: name.optional(),
    since: time.optional(),
    until: time.optional(),
    limit: limitParam(500).optional(),
    before: id.optional(),
  })
  .strict();

export const replayRequest = z
  .object({
    id: id.optional(),
    destination: name.optional(),
    provider: name.optional(),
    type: name.optional(),
    since: time.optional(),
    until: time.optional(),
    /** Required to replay every dead delivery with no filter at all. */
    all: z.boolean({ error: "must be true or false" }).optional(),
    dryRun: z.boolean({ error: "must be true or false" }).optional(),
    /** At most this many, oldest first: the CLI replays in batches to show progress. */
    limit: intParam(1, 10_000).optional(),
  })
  .strict()
  .refine((r) => r.id === undefined || (!r.destination && !r.provider && !r.type && !r.since && !r.until && !r.all), {
    message: "give either id or filters, not both",
  })
  .refine((r) => r.id !== undefined || r.destination || r.provider || r.type || r.since || r.until || r.all, {
    message: "give an id, at least one filter (destination, provider, type, since, until), or all: true",
  });

const parse = <T>(schema: z.ZodType<T>, input: unknown): T => parseParams(schema, input, "request");

function admin(
  route: string,
  methods: string[],
  handler: (request: Request, gw: Gateway) => Promise<Response>,
  gateway: () => Promise<Gateway>,
): Endpoint {
  return endpoint(`admin/${route}`, methods, async (request) => {
    const gw = await gateway();
    requireBearer(request, gw.config.env.ADMIN_TOKEN, "ADMIN_TOKEN");
    return handler(request, gw);
  });
}

/** GET /api/admin/dead-letters?destination=&provider=&type=&since=&until=&limit=&before= */
export function deadLettersEndpoint(gateway: () => Promise<Gateway> = sharedGateway): Endpoint {
  return admin(
    "dead-letters",
    ["GET"],
    async (request, gw) => {
      const query = parse(deadLetterQuery, queryOf(request));
      const page = await gw.store.deliveries.listDeadLetters({
        destination: query.destination,
        provider: query.provider,
        eventType: query.type,
        since: query.since,
        until: query.until,
        limit: query.limit,
        beforeId: query.before,
      });
      return Response.json(page);
    },
    gateway,
  );
}

/** GET /api/admin/delivery?id= : one delivery, its event and its attempt log. */
export function deliveryEndpoint(gateway: () => Promise<Gateway> = sharedGateway): Endpoint {
  return admin(
    "delivery",
    ["GET"],
    async (request, gw) => {
      const query = parse(z.object({ id }).strict(), queryOf(request));
      const delivery = await gw.store.deliveries.get(query.id);
      if (!delivery) throw new Rejection("not_found", `no delivery ${query.id}`);
      return Response.json(delivery);
    },
    gateway,
  );
}

/** POST /api/admin/replay {id} | {destination?, provider?, type?, since?, until?, all?, dryRun?} */
export function replayEndpoint(gateway: () => Promise<Gateway> = sharedGateway): Endpoint {
  return admin(
    "replay",
    ["POST"],
    async (request, gw) => {
      const raw = new TextDecoder().decode(await readBody(request, 64 * 1024));
      let json: unknown;
      try {
        json = raw.trim() === "" ? {} : JSON.parse(raw);
      } catch {
        throw new Rejection("bad_request", "the body must be JSON", {}, "invalid_json");
      }
      const body = parse(replayRequest, json);
      const result = await gw.store.deliveries.replay(
        body.id !== undefined
          ? { id: body.id }
          : {
              destination: body.destination,
              provider: body.provider,
              eventType: body.type,
              since: body.since,
              until: body.until,
            },
        { dryRun: body.dryRun ?? false, limit: body.limit },
      );
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
    gateway,
  );
}
