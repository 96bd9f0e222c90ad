// The closed set of answers that are not a success, and the one place they become HTTP.
import { ConfigError } from "../config/error.js";
import { StoreError } from "../store/port.js";

const STATUS = {
  bad_request: 400,
  unauthorized: 401,
  not_found: 404,
  method_not_allowed: 405,
  payload_too_large: 413,
  rate_limited: 429,
  not_configured: 503,
  unavailable: 503,
} as const;

export type RejectionKind = keyof typeof STATUS;

/** An expected refusal: it is answered and logged, never reported as an error. */
export class Rejection extends Error {
  override name = "Rejection";
  constructor(
    readonly kind: RejectionKind,
    message: string,
    /** Extra answer headers (Allow, Retry-After, RateLimit-*). */
    readonly headers: Record<string, string> = {},
    /** A finer reason for logs and counters (`bad_signature`, `stale_timestamp`, ...). */
    readonly reason: string = kind,
  ) {
    super(message);
  }

  get status(): number {
    return STATUS[this.kind];
  }
}

/** Seconds a provider is asked to wait when hookgate cannot record its webhook. */
export const RETRY_AFTER_SECONDS = 30;

/** Turns any thrown value into the answer, and says whether it was unexpected. */
export function toRejection(error: unknown): { rejection: Rejection; unexpected: boolean } {
  if (error instanceof Rejection) return { rejection: error, unexpected: false };
  if (error instanceof StoreError) {
    return {
      rejection: new Rejection(
        "unavailable",
        "the event store is unavailable; retry later",
        {
          "retry-after": String(RETRY_AFTER_SECONDS),
        },
        "store_unavailable",
      ),
      // A store that cannot be reached is an outage, not a bug; anything else is worth a report.
      unexpected: !error.unreachable,
    };
  }
  if (error instanceof ConfigError) {
    return { rejection: new Rejection("not_configured", error.message, {}, "invalid_config"), unexpected: true };
  }
  return {
    // Unknown failures still answer 503 with Retry-After, not 500: the provider keeps
    // the event and retries, and nothing that was not recorded was acknowledged.
    rejection: new Rejection(
      "unavailable",
      "internal error; retry later",
      { "retry-after": String(RETRY_AFTER_SECONDS) },
      "internal_error",
    ),
    unexpected: true,
  };
}

export function rejectionResponse(rejection: Rejection): Response {
  return Response.json(
    { error: rejection.kind, reason: rejection.reason, message: rejection.message },
    { status: rejection.status, headers: rejection.headers },
  );
}
