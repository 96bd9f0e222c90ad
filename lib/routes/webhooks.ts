// POST /api/webhooks/<provider>: the in-flight cap, the shield (rate limits; for a
// rejection, the bookkeeping after the answer) around the one ingest pipeline.
import { ingest } from "../ingest/pipeline.js";
import type { Provider } from "../providers/types.js";
import { openingRoute, type Route } from "./route.js";

/** The route of one provider: `export default served(webhook(clickup))`. */
export function webhook(provider: Provider): Route {
  return openingRoute(
    { route: `webhooks/${provider.name}`, methods: ["POST"] },
    async ({ request, context, services }) => {
      context.note({ provider: provider.name });
      const app = await services();
      // Past HOOKGATE_MAX_IN_FLIGHT requests at once: 503 + Retry-After, before any work.
      const place = app.inFlight.enter();
      try {
        // Rate limits (one KV round trip, overlapping the body read) and, for a rejection,
        // the count, alert and sampled record after the answer: lib/shield/guard.ts.
        const guard = (await app.shield()).guard(request, provider.name, context);
        try {
          return await ingest(app, provider, request, context, guard);
        } catch (error) {
          // The shield may answer a failure from an IP over its failure limit with a 429.
          throw guard.rejected(error);
        }
      } finally {
        place.leave();
      }
    },
  );
}
