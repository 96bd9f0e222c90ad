// The abuse protection around one webhook request: the rate-limit check (started when
// the body is read, so the KV round trip overlaps it); for a failed verification, the
// answer (401, or 429 once the IP is over its failure limit); and, for any rejected
// request, the bookkeeping after the answer (failure count, KV tally, alert, sampled
// record). Every failed verification counts toward the alert, whatever it was answered.
import type { Alerts } from "../alerts/alerts.js";
import type { Env } from "../config/env.js";
import type { RequestContext } from "../http/endpoint.js";
import { Rejection, toRejection } from "../http/errors.js";
import type { Kv } from "../kv/port.js";
import { readBody } from "../http/body.js";
import type { Store } from "../store/store.js";
import { clientIpReader, type ClientIp } from "./client-ip.js";
import { createLimits, limitedHeaders, limitsConfig, type Admission, type Limits } from "./limits.js";
import { createRejections, rejectionsConfig, type Rejections } from "./rejections.js";

export interface Shield {
  readonly limits: Limits;
  readonly rejections: Rejections;
  guard(request: Request, provider: string, context: RequestContext): Guard;
}

export interface Guard {
  /** Reads the raw body while the rate limits are checked; a full limit throws 429. */
  body(limitBytes: number): Promise<Uint8Array>;
  /**
   * Books a rejection after the answer (anything else thrown is left alone) and returns
   * what to throw: the error itself, or a 429 for a failed verification from an IP over
   * its failure limit. `throw guard.rejected(error)`.
   */
  rejected(error: unknown): unknown;
}

/** Why a request was limited, as logged and counted. */
const LIMITED_REASON = {
  ip: "ip_limit",
  source: "source_limit",
  failed_verifications: "failed_verification_limit",
} as const;

/**
 * A client over a limit may send thousands of requests a second; each of its 429s is
 * booked, but at most once per this many ms per IP per instance, the ones in between
 * added to the next booking. A flood then costs no KV call before the answer (the
 * limiter remembers full windows) and few after it.
 */
const LIMITED_BOOKING_MS = 10_000;
const LIMITED_IPS_KEPT = 10_000;

export function createShield(parts: {
  limits: Limits;
  rejections: Rejections;
  clientIp: ClientIp;
  now?: () => number;
}): Shield {
  const { limits, rejections, clientIp } = parts;
  const now = parts.now ?? Date.now;
  const limitedBookings = new Map<string, { until: number; pending: number }>();
  /** How many 429s to book now for this IP, or 0 to hold this one for later. */
  const limitedToBook = (ip: string): number => {
    const entry = limitedBookings.get(ip);
    if (entry && entry.until > now()) {
      entry.pending += 1;
      return 0;
    }
    if (limitedBookings.size >= LIMITED_IPS_KEPT) limitedBookings.clear();
    limitedBookings.set(ip, { until: now() + LIMITED_BOOKING_MS, pending: 0 });
    return 1 + (entry?.pending ?? 0);
  };
  /** A failed verification from an IP over its failure limit is answered 429; anything else as it was. */
  function overLimit(error: unknown, ip: string): unknown {
    if (!(error instanceof Rejection) || error.kind !== "unauthorized") return error;
    const state = limits.overFailureLimit(ip);
    if (!state) return error;
    return new Rejection(
      "rate_limited",
      `too many failed verifications from this address (${state.limit} limit); retry later`,
      limitedHeaders(state, now()),
      LIMITED_REASON.failed_verifications,
    );
  }
  return {
    limits,
    rejections,
    guard(request, provider, context) {
      const ip = clientIp(request.headers);
      let body: Uint8Array | undefined;
      let bodyBytes: number | undefined;
      return {
        async body(limitBytes) {
          const admission = limits.admit(ip, provider, { request_id: context.requestId });
          try {
            body = await readBody(request, limitBytes);
            bodyBytes = body.byteLength;
          } finally {
            // Even when the body was refused (413), a full limit answers: 429 tells the
            // client when to come back, and the limiter's promise never rejects.
            enforce(await admission, context, now);
          }
          return body;
        },
        rejected(error) {
          const answered = overLimit(error, ip);
          const { rejection, unexpected } = toRejection(answered);
          if (unexpected || rejection.kind === "not_configured" || rejection.kind === "unavailable") return answered;
          const signatureFailure =
            rejection.kind === "unauthorized" || rejection.reason === LIMITED_REASON.failed_verifications;
          // 429s before verification are booked in batches; a failure is booked each time.
          const count = rejection.kind === "rate_limited" && !signatureFailure ? limitedToBook(ip) : 1;
          if (count === 0) return answered;
          context.after("rejection", async () => {
            await Promise.all([
              // An IP already over its failure limit needs no further counting to stay there.
              rejection.kind === "unauthorized"
                ? limits.failedVerification(ip, { request_id: context.requestId })
                : undefined,
              rejections.record({
                provider,
                reason: rejection.reason,
                status: rejection.status,
                ip,
                signatureFailure,
                headers: request.headers,
                body,
                bodyBytes,
                requestId: context.requestId,
                count,
              }),
            ]);
          });
          return answered;
        },
      };
    },
  };
}

function enforce(admission: Admission, context: RequestContext, now: () => number): void {
  if (admission.outcome === "failed_open") {
    context.note({ rate_limit: `failed_open:${admission.reason}` });
    return;
  }
  if (admission.outcome === "limited") {
    throw new Rejection(
      "rate_limited",
      `too many requests (${admission.limit} limit); retry later`,
      limitedHeaders(admission.state, now()),
      LIMITED_REASON[admission.limit],
    );
  }
}

/** The shield of a deployment: its limits and rejection records from the environment. */
export async function openShield(parts: {
  env: Env;
  kv: Kv;
  store: Pick<Store, "rejections">;
  alerts: Alerts;
  now?: () => number;
}): Promise<Shield> {
  const { env, kv, store, alerts, now } = parts;
  const limits = await createLimits(kv, limitsConfig(env), now);
  const rejections = createRejections({ kv, store: store.rejections, alerts, config: rejectionsConfig(env), now });
  return createShield({ limits, rejections, clientIp: clientIpReader(env), now });
}
