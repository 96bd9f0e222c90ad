// The one ingest pipeline every provider runs through:
//   configured? → raw bytes (size limit) + rate limits → verify → parse (dedup key, type)
//   → route → ONE store call (event + outbox deliveries) → answer.
// Each step either returns a value or throws a Rejection; endpoint() turns those into
// answers, so no step writes HTTP itself.
import { sharedGateway, type Gateway } from "../gateway.js";
import { after } from "../http/after.js";
import { endpoint, type Endpoint, type RequestContext } from "../http/endpoint.js";
import { Rejection } from "../http/errors.js";
import type { Provider, WebhookRequest } from "../providers/types.js";
import { inFlightFor } from "./in-flight.js";
import { shieldFor, type Guard } from "../shield/guard.js";

/** How long new deliveries stay reserved for the attempt made right after the answer. */
const IMMEDIATE_ATTEMPT_LEASE_SECONDS = 60;

/** The Vercel function for one provider: `export default webhook(clickup)`. */
export function webhook(provider: Provider, gateway: () => Promise<Gateway> = sharedGateway): Endpoint {
  return endpoint(`webhooks/${provider.name}`, ["POST"], async (request, context) => {
    context.note({ provider: provider.name });
    const gw = await gateway();
    // Past HOOKGATE_MAX_IN_FLIGHT requests at once: 503 + Retry-After, before any work.
    const place = inFlightFor(gw).enter();
    try {
      return await guarded(gw, provider, request, context);
    } finally {
      place.leave();
    }
  });
}

/**
 * Rate limits (one KV round trip, overlapping the body read) and, for a rejection,
 * the count, alert and sampled record after the answer: lib/shield/guard.ts.
 */
async function guarded(gw: Gateway, provider: Provider, request: Request, context: RequestContext): Promise<Response> {
  const guard = (await shieldFor(gw)).guard(request, provider.name, context);
  try {
    return await ingest(gw, provider, request, context, guard);
  } catch (error) {
    // The shield may answer a failure from an IP over its failure limit with a 429.
    throw guard.rejected(error);
  }
}

export async function ingest(
  gateway: Gateway,
  provider: Provider,
  request: Request,
  context: RequestContext,
  guard: Guard,
): Promise<Response> {
  // The ack latency in the metrics (lib/operations) runs from here to the record committed.
  const started = performance.now();
  const { config, store } = gateway;
  const secrets = config.secrets[provider.name] ?? [];
  // Only a provider that declares `unsignedEnv`, with that variable on, may run unsigned.
  const allowUnsigned = config.allowUnsigned[provider.name] === true;
  if (secrets.length === 0 && !allowUnsigned) {
    throw new Rejection("not_configured", `${provider.secretEnv} is not set; hookgate accepts nothing unsigned`);
  }

  const webhookRequest: WebhookRequest = {
    body: await guard.body(config.bodyLimitBytes),
    headers: request.headers,
    url: publicUrl(request.url, config.publicBaseUrl),
    receivedAt: new Date(),
  };

  const verification = provider.verify(webhookRequest, { secrets, allowUnsigned });
  if (!verification.ok) {
    throw new Rejection("unauthorized", "signature verification failed", {}, verification.reason);
  }

  const parsed = provider.parse(webhookRequest);
  if (!parsed.ok) throw new Rejection("bad_request", parsed.reason, {}, "malformed");
  const event = parsed.event;

  // content-type travels with the event: forwards send it with the original bytes.
  const headers = keptHeaders(request.headers, ["content-type", ...provider.keepHeaders]);
  const recorded = await store.events.ingest({
    source: provider.name,
    provider: provider.name,
    dedupKey: event.dedupKey,
    type: event.type,
    verified: verification.verified,
    body: webhookRequest.body,
    payload: event.payload,
    headers,
    destinations: gateway.routing.route(provider.name, event),
    leaseSeconds: IMMEDIATE_ATTEMPT_LEASE_SECONDS,
    elapsedMs: performance.now() - started,
  });
  context.note({
    outcome: recorded.duplicate ? "duplicate" : "accepted",
    event_id: recorded.event_id,
    event_type: event.type,
  });

  if (recorded.deliveries.length > 0) {
    const recordedEvent = {
      id: recorded.event_id,
      provider: provider.name,
      type: event.type,
      body: webhookRequest.body,
      payload: event.payload,
      headers,
      receivedAt: webhookRequest.receivedAt,
    };
    // Loaded on first use: most functions answer many webhooks before one has a delivery.
    after("deliver", async () => {
      const { deliverNow } = await import("../delivery/engine.js");
      await deliverNow(gateway, recordedEvent, recorded.deliveries);
    });
  }

  const outcome = { id: recorded.event_id, duplicate: recorded.duplicate };
  // DUPLICATE_STATUS=409: for senders built to expect a conflict on a repeat.
  if (recorded.duplicate && config.env.DUPLICATE_STATUS === 409) return Response.json(outcome, { status: 409 });
  return provider.acknowledge?.(webhookRequest, event, outcome) ?? Response.json(outcome, { status: 200 });
}

/**
 * The URL as the provider called it. Behind Vercel or a proxy the function may see
 * another host, so a configured public base URL wins; path and query are kept byte
 * for byte (Twilio signs them exactly).
 */
function publicUrl(seen: string, publicBaseUrl: string | undefined): string {
  if (!publicBaseUrl) return seen;
  const pathAndQuery = seen.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, "");
  return publicBaseUrl.replace(/\/+$/, "") + pathAndQuery;
}

function keptHeaders(headers: Headers, names: readonly string[]): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of names) {
    const value = headers.get(name);
    if (value !== null) kept[name] = value;
  }
  return kept;
}
