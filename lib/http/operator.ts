// The frame of the operator routes: the bearer check (each route names its variable)
// and query parsing where every bad parameter is a 400 that names it, never a 500.
import { z } from "zod";
import { sharedGateway, type Gateway } from "../gateway.js";
import { requireBearer } from "./auth.js";
import { endpoint, type Endpoint, type RequestContext } from "./endpoint.js";
import { limitParam, parseParams, queryOf, textParam, timeParam } from "./params.js";

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
  return parseParams(schema, queryOf(request));
}

// The shared kit (lib/http/params.ts), under the names these routes have always used.
export const queryTime = timeParam;
export const queryName = textParam(200);
export const queryLimit = limitParam(500);
