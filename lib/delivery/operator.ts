// The operator's HTTP routes for delivery: the cron that drains due deliveries
// (CRON_SECRET), and the admin API for dead letters and replay (ADMIN_TOKEN).
// Bad input is a 400 naming the parameter, never a 500.
import { z } from "zod";
import { sharedGateway, type Gateway } from "../gateway.js";
import { requireBearer } from "../http/auth.js";
import { endpoint, type Endpoint } from "../http/endpoint.js";
import { Rejection } from "../http/errors.js";
import { readBody } from "../pipeline/body.js";
import { engineFor } from "./engine.js";
import { deliveryStore } from "./store.js";

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

const id = z.coerce.number({ error: "must be a delivery id" }).int("must be a delivery id").positive("must be a delivery id").max(Number.MAX_SAFE_INTEGER);
const time = z.coerce.date({ error: "must be an ISO 8601 time" });
const name = z.string().trim().min(1).max(200);

export const deadLetterQuery = z
  .object({
    destination: name.optional(),
    provider: name.optional(),
    type: name.optional(),
    since: time.optional(),
    until: time.optional(),
    limit: z.coerce.number().int().min(1).max(500).optional(),
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
    all: z.boolean().optional(),
    dryRun: z.boolean().optional(),
    /** At most this many, oldest first: the CLI replays in batches to show progress. */
    limit: z.coerce.number().int().positive().max(10_000).optional(),
  })
  .strict()
  .refine((r) => r.id === undefined || (!r.destination && !r.provider && !r.type && !r.since && !r.until && !r.all), {
    message: "give either id or filters, not both",
  })
  .refine((r) => r.id !== undefined || r.destination || r.provider || r.type || r.since || r.until || r.all, {
    message: "give an id, at least one filter (destination, provider, type, since, until), or all: true",
  });

function parse<T>(schema: z.ZodType<T>, input: unknown): T {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "request"}: ${i.message}`);
    throw new Rejection("bad_request", problems.join("; "), {}, "invalid_parameters");
  }
  return parsed.data;
}

function admin(route: string, methods: string[], handler: (request: Request, gw: Gateway) => Promise<Response>, gateway: () => Promise<Gateway>): Endpoint {
  return endpoint(`admin/${route}`, methods, async (request) => {
    const gw = await gateway();
    requireBearer(request, gw.config.env.ADMIN_TOKEN, "ADMIN_TOKEN");
    return handler(request, gw);
  });
}

/** GET /api/admin/dead-letters?destination=&provider=&type=&since=&until=&limit=&before= */
export function deadLettersEndpoint(gateway: () => Promise<Gateway> = sharedGateway): Endpoint {
  return admin("dead-letters", ["GET"], async (request, gw) => {
    const query = parse(deadLetterQuery, Object.fromEntries(new URL(request.url).searchParams));
    const page = await deliveryStore(gw.store.rpc).listDeadLetters({
      destination: query.destination,
      provider: query.provider,
      eventType: query.type,
      since: query.since,
      until: query.until,
      limit: query.limit,
      beforeId: query.before,
    });
    return Response.json(page);
  }, gateway);
}

/** GET /api/admin/delivery?id= : one delivery, its event and its attempt log. */
export function deliveryEndpoint(gateway: () => Promise<Gateway> = sharedGateway): Endpoint {
  return admin("delivery", ["GET"], async (request, gw) => {
    const query = parse(z.object({ id }), Object.fromEntries(new URL(request.url).searchParams));
    const delivery = await deliveryStore(gw.store.rpc).get(query.id);
    if (!delivery) throw new Rejection("not_found", `no delivery ${query.id}`);
    return Response.json(delivery);
  }, gateway);
}

/** POST /api/admin/replay {id} | {destination?, provider?, type?, since?, until?, all?, dryRun?} */
export function replayEndpoint(gateway: () => Promise<Gateway> = sharedGateway): Endpoint {
  return admin("replay", ["POST"], async (request, gw) => {
    const raw = new TextDecoder().decode(await readBody(request, 64 * 1024));
    let json: unknown;
    try {
      json = raw.trim() === "" ? {} : JSON.parse(raw);
    } catch {
      throw new Rejection("bad_request", "the body must be JSON", {}, "invalid_json");
    }
    const body = parse(replayRequest, json);
    const result = await deliveryStore(gw.store.rpc).replay(
      body.id !== undefined
        ? { id: body.id }
        : { destination: body.destination, provider: body.provider, eventType: body.type, since: body.since, until: body.until },
      { dryRun: body.dryRun ?? false, limit: body.limit },
    );
    if (body.id !== undefined && result.matched === 0 && !body.dryRun) {
      const delivery = await deliveryStore(gw.store.rpc).get(body.id);
      if (!delivery) throw new Rejection("not_found", `no delivery ${body.id}`);
      return Response.json({ ...result, status: delivery.status, message: `delivery ${body.id} is ${delivery.status}, not dead` });
    }
    return Response.json(result);
  }, gateway);
}
