// The frame of the operator routes: the bearer check (each route names its variable)
// and query parsing where every bad parameter is a 400 that names it, never a 500.
import { z } from "zod";
import { sharedGateway, type Gateway } from "../gateway.js";
import { requireBearer } from "../http/auth.js";
import { endpoint, type Endpoint, type RequestContext } from "../http/endpoint.js";
import { Rejection } from "../http/errors.js";

export type TokenVariable = "ADMIN_TOKEN" | "CRON_SECRET" | "METRICS_TOKEN";

export type OperatorHandler = (request: Request, gateway: Gateway, context: RequestContext) => Promise<Response>;

export function operatorEndpoint(
  route: string,
  methods: readonly string[],
  token: TokenVariable,
  handler: OperatorHandler,
  gateway: () => Promise<Gateway> = sharedGateway,
): Endpoint {
  return endpoint(route, methods, async (request, context) => {
    const gw = await gateway();
    requireBearer(request, gw.config.env[token], token);
    return handler(request, gw, context);
  });
}

/** The query string through a schema; unknown parameters are refused by name. */
export function parseQuery<T>(schema: z.ZodType<T>, request: Request): T {
  const params = new URL(request.url).searchParams;
  const query: Record<string, string> = {};
  for (const [name, value] of params) {
    if (name in query) throw new Rejection("bad_request", `${name}: given more than once`, {}, "invalid_parameters");
    query[name] = value;
  }
  const parsed = schema.safeParse(query);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => {
      const name = i.code === "unrecognized_keys" ? i.keys.join(", ") : i.path.join(".") || "query";
      return `${name}: ${i.message}`;
    });
    throw new Rejection("bad_request", problems.join("; "), {}, "invalid_parameters");
  }
  return parsed.data;
}

export const queryTime = z
  .string()
  .refine((s) => /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(s) && !Number.isNaN(Date.parse(s)), {
    message: "must be an ISO 8601 date or time, e.g. 2026-11-22T10:00:00Z",
  })
  .transform((s) => new Date(s));
export const queryName = z.string().trim().min(1, "must not be empty").max(200, "is too long");
export const queryLimit = z.coerce.number({ error: "must be a number from 1 to 500" }).int("must be a number from 1 to 500").min(1, "must be a number from 1 to 500").max(500, "must be a number from 1 to 500");
