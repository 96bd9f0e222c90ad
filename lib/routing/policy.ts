// The delivery policies as plain data: how often a destination is retried and when its
// breaker opens. hookgate.routes.ts overrides them per destination (lib/routing/table.ts
// checks the values); the engine (lib/delivery) reads them and owns no defaults of its own.
export const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/**
 * Delay before each attempt: the first at once, then 5 s, 5 min, 30 min, 2 h, 5 h,
 * 10 h, 10 h (Svix's schedule, which receivers already expect); after the last, dead.
 */
export const DEFAULT_SCHEDULE_MS: readonly number[] = [
  0,
  5 * SECOND,
  5 * MINUTE,
  30 * MINUTE,
  2 * HOUR,
  5 * HOUR,
  10 * HOUR,
  10 * HOUR,
];

/** ±10 %: spreads a burst of failures so the retries do not arrive together. */
export const DEFAULT_JITTER = 0.1;

/** A Retry-After longer than this is capped: a receiver cannot park a delivery for days. */
export const MAX_RETRY_AFTER_MS = 24 * HOUR;

export interface RetryPolicy {
  /** Delay before attempt n+1 is `schedule[n]`; `schedule.length` attempts in all. */
  schedule: readonly number[];
  /** Fraction of each delay to vary by, each way. */
  jitter: number;
  /**
   * 4xx answers other than 408, 410 and 429 dead-letter after the first attempt;
   * `true` retries them all on the schedule, a list retries just those statuses.
   */
  retryClientErrors: boolean | readonly number[];
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  schedule: DEFAULT_SCHEDULE_MS,
  jitter: DEFAULT_JITTER,
  retryClientErrors: false,
};

export interface BreakerPolicy {
  /** Opens after this many consecutive failures. */
  failures: number;
  /** Or when at least this fraction of the window's attempts failed... */
  failureRate: number;
  /** ...and the window held at least this many attempts. */
  minimumAttempts: number;
  windowMs: number;
  /** How long it stays open before one probe is let through. */
  cooldownMs: number;
}

export const DEFAULT_BREAKER_POLICY: BreakerPolicy = {
  failures: 5,
  failureRate: 0.5,
  minimumAttempts: 20,
  windowMs: 60_000,
  cooldownMs: 30_000,
};
