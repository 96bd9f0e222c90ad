// The one ingest pipeline every provider runs through:
//   configured? → raw bytes (size limit) + rate limits → verify → parse (dedup key, type)
//   → route → ONE store call (event + outbox deliveries) → answer.
// Each step either returns a value or throws a Rejection; the endpoint frame turns those
// into answers, so no step writes HTTP itself. The route (lib/routes/webhooks.ts) wraps
// it in the in-flight cap and the shield.
import type { Config } from "../config/env.js";
import type { DeliveryEngine } from "../delivery/engine.js";
import type { RequestContext } from "../http/endpoint.js";
import { Rejection } from "../http/errors.js";
import type { Provider, WebhookRequest } from "../providers/types.js";
import type { Router } from "../routing/router.js";
import type { Guard } from "../shield/guard.js";
import type { Store } from "../store/store.js";

/** How long new deliveries stay reserved for the attempt made right after the answer. */
const IMMEDIATE_ATTEMPT_LEASE_SECONDS = 60;

/** What the pipeline uses (the app has all of it). */
export interface IngestServices {
  config: Config;
  store: Store;
  routing: { route: Router };
  /** The delivery engine, loaded on first use: most functions answer many webhooks before one has a delivery. */
  engine(): Promise<Pick<DeliveryEngine, "deliverNow">>;
}

export async function ingest(
  app: IngestServices,
  provider: Provider,
  request: Request,
  context: RequestContext,
  guard: Guard,
): Promise<Response> {
  // The ack latency in the metrics (lib/operations) runs from here to the record committed.
  const started = performance.now();
  const { config, store } = app;
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
    destinations: app.routing.route(provider.name, event),
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
    context.after("deliver", async () => {
      await (await app.engine()).deliverNow(recordedEvent, recorded.deliveries);
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
