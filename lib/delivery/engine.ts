// The delivery engine: attempts leased deliveries (bounded, with timeouts and the
// shared breaker), decides what follows each attempt (nextAttemptAt), and records a
// whole batch in one store call. `drain` is the cron's claim loop.
//
// Round trips per batch: one claim, one record, and a few KV calls per destination.
import { errorFields, log } from "../observability/log.js";
import { answerExcerpt, redactPersonal } from "../observability/redact.js";
import { deadline } from "../time/deadline.js";
import type { Destination } from "../routing/table.js";
import type { Breaker } from "./breaker.js";
import type { AttemptOutcome } from "../destinations/contract.js";
import { nextAttemptAt } from "./schedule.js";
import { deliverySignals, type DeliverySignal, type DeliverySignals } from "./signals.js";
import type { AttemptRecord, DeliveryStore, LeasedDelivery } from "../store/deliveries.js";
import { StoreError } from "../store/port.js";

/** How long a claim holds a delivery: past the longest attempt (MAX_TIMEOUT_MS) with room to record. */
export const LEASE_SECONDS = 60;
/** Deliveries per claim, all attempted at once, and claims in progress together (bench:deliver). */
export const DEFAULT_CONCURRENCY = 50;
export const DEFAULT_LANES = 3;

export interface EngineParts {
  /** The store's delivery calls (claim, record). */
  deliveries: DeliveryStore;
  /** The shared breaker; give it the same `signals` so its openings reach the engine's listeners. */
  breaker: Breaker;
  /** The destinations of the routing table, by name. */
  destinations: ReadonlyMap<string, Destination>;
  /** Where the engine says what happened (default: its own, with no listener yet). */
  signals?: DeliverySignals;
  clock?: () => Date;
  /** In [0, 1): the retry jitter. */
  random?: () => number;
}

export interface AttemptReport {
  delivered: number;
  retried: number;
  dead: number;
  /** Put back by an open breaker, without using an attempt. */
  deferred: number;
  /** Overtaken by another worker after this one's lease expired: not recorded. */
  stale: number;
}

const REPORT_COUNTS = ["delivered", "retried", "dead", "deferred", "stale"] as const;

/** Adds one run's counts to a running total. */
function addReport(total: AttemptReport, run: AttemptReport): void {
  for (const key of REPORT_COUNTS) total[key] += run[key];
}

export interface DrainOptions {
  /** Stop claiming when an attempt begun now could end after this. */
  deadline?: Date;
  /** Deliveries claimed, and attempted at once, per batch. */
  concurrency?: number;
  /** Batches in progress at the same time. */
  lanes?: number;
}

export interface DrainReport extends AttemptReport {
  claimed: number;
  batches: number;
  stoppedBy: "idle" | "deadline";
}

export interface DeliveryEngine {
  readonly store: DeliveryStore;
  /** Dead letters here, breaker openings and closings from its breaker: `engine.signals.on(listener)`. */
  readonly signals: DeliverySignals;
  /** Attempts deliveries whose lease the caller holds, and records every outcome in one call. */
  attempt(deliveries: readonly LeasedDelivery[]): Promise<AttemptReport>;
  /**
   * The attempt made right after the answer (via waitUntil): the event is still in
   * memory and its new deliveries come from hookgate_ingest already leased, so this
   * costs no claim, and the cron cannot take them at the same time.
   */
  deliverNow(
    event: LeasedDelivery["event"],
    deliveries: readonly { id: number; destination: string }[],
  ): Promise<AttemptReport>;
  /** Claims due deliveries and attempts them until none are due or the deadline nears. */
  drain(options?: DrainOptions): Promise<DrainReport>;
}

interface Attempted {
  delivery: LeasedDelivery;
  record: AttemptRecord;
  outcome: AttemptOutcome | null;
}

export function deliveryEngine(parts: EngineParts): DeliveryEngine {
  const clock = parts.clock ?? (() => new Date());
  const random = parts.random ?? Math.random;
  const { deliveries: store, breaker, destinations } = parts;
  const signals = parts.signals ?? deliverySignals();

  async function attemptOne(destination: Destination, delivery: LeasedDelivery): Promise<Attempted> {
    const now = clock();
    const started = performance.now();
    const timed = await deadline(destination.timeoutMs, (signal) =>
      destination
        .attempt(delivery.event, { deliveryId: delivery.id, attempt: delivery.attempt, signal, now })
        .then(checked, thrown),
    );
    const outcome: AttemptOutcome = timed.late
      ? { kind: "retry", error: `no answer within ${destination.timeoutMs} ms`, errorClass: "timeout" }
      : timed.value;
    const base = {
      id: delivery.id,
      attempt: delivery.attempt,
      attempted_at: now.toISOString(),
      duration_ms: Math.round(performance.now() - started),
      status: outcome.status ?? null,
      // The delivery log keeps the status and a short excerpt of the answer, emails,
      // phone numbers and tokens masked: receivers echo customers' data.
      response: answerExcerpt(outcome.response),
    };
    // The schedule starts over after a replay; the attempt number goes on counting.
    const next = nextAttemptAt(delivery.attempt - delivery.attemptsBeforeReplay, outcome, {
      now: clock(),
      policy: destination.retry,
      random,
    });
    if (next.kind === "delivered" || outcome.kind === "delivered")
      return { delivery, outcome, record: { ...base, outcome: "delivered" } };
    const failure = { error_class: outcome.errorClass, error: redactPersonal(outcome.error) };
    if (next.kind === "retry") {
      return {
        delivery,
        outcome,
        record: { ...base, ...failure, outcome: "retry", next_attempt_at: next.at.toISOString() },
      };
    }
    return { delivery, outcome, record: { ...base, ...failure, outcome: "dead" } };
  }

  async function attemptGroup(name: string, group: LeasedDelivery[]): Promise<Attempted[]> {
    const destination = destinations.get(name);
    const now = clock();
    if (!destination) {
      // Routes changed since the event was recorded: keep it as a dead letter to replay once the destination is back.
      return group.map((delivery) => ({
        delivery,
        outcome: null,
        record: {
          id: delivery.id,
          attempt: delivery.attempt,
          outcome: "dead",
          attempted_at: now.toISOString(),
          duration_ms: 0,
          error_class: "unknown_destination",
          error: `no destination named "${name}" in the routes`,
        },
      }));
    }
    const admission = await breaker.admit(name, destination.breaker, destination.timeoutMs + 5_000);
    const deferred = (delivery: LeasedDelivery, until: Date): Attempted => ({
      delivery,
      outcome: null,
      record: {
        id: delivery.id,
        attempt: delivery.attempt,
        outcome: "deferred",
        next_attempt_at: until.toISOString(),
        attempted_at: now.toISOString(),
        duration_ms: 0,
      },
    });
    if (admission.state === "open") return group.map((delivery) => deferred(delivery, admission.until));
    // Half-open: exactly one delivery probes; the rest wait for its verdict.
    const tried = admission.state === "probe" ? group.slice(0, 1) : group;
    const waiting = admission.state === "probe" ? group.slice(1) : [];
    const attempted = await Promise.all(tried.map((delivery) => attemptOne(destination, delivery)));
    // The breaker counts what says the destination is unwell: timeouts, network errors,
    // 408/429/5xx. A deliberate 4xx is an answer from a healthy destination.
    await breaker.report(
      name,
      destination.breaker,
      admission,
      attempted.map((a) => a.outcome?.kind !== "retry"),
    );
    const probeWait = new Date(now.getTime() + Math.min(5_000, destination.breaker.cooldownMs));
    return [...attempted, ...waiting.map((delivery) => deferred(delivery, probeWait))];
  }

  async function attempt(deliveries: readonly LeasedDelivery[]): Promise<AttemptReport> {
    const report: AttemptReport = { delivered: 0, retried: 0, dead: 0, deferred: 0, stale: 0 };
    if (deliveries.length === 0) return report;
    const groups = new Map<string, LeasedDelivery[]>();
    for (const delivery of deliveries) {
      const group = groups.get(delivery.destination);
      if (group) group.push(delivery);
      else groups.set(delivery.destination, [delivery]);
    }
    const attempted = (await Promise.all([...groups].map(([name, group]) => attemptGroup(name, group)))).flat();

    const { recorded, stale } = await store.record(attempted.map((a) => a.record));
    const kept = new Set(recorded);
    report.stale = stale.length;
    const dead: DeliverySignal[] = [];
    for (const { delivery, record } of attempted) {
      if (!kept.has(delivery.id)) continue;
      if (record.outcome !== "deferred") logAttempt(delivery, record);
      if (record.outcome === "delivered") report.delivered++;
      else if (record.outcome === "retry") report.retried++;
      else if (record.outcome === "deferred") report.deferred++;
      else {
        report.dead++;
        dead.push({
          type: "dead_letter",
          deliveryId: delivery.id,
          destination: delivery.destination,
          eventId: delivery.event.id,
          provider: delivery.event.provider,
          eventType: delivery.event.type,
          attempts: delivery.attempt,
          status: record.status ?? null,
          errorClass: record.error_class ?? "unknown",
          error: record.error ?? "",
          at: new Date(record.attempted_at),
        });
      }
    }
    if (stale.length > 0) log.warn("attempts overtaken after their lease expired", { deliveries: stale });
    await Promise.all(dead.map((signal) => signals.emit(signal)));

    // What an action recorded (its outbox) is attempted now, as a webhook's deliveries are
    // right after its answer: an onboarding's code leaves within the same attempt.
    const followUps = attempted.flatMap(({ delivery, outcome }) =>
      kept.has(delivery.id) && outcome?.kind === "delivered" ? (outcome.followUps ?? []) : [],
    );
    if (followUps.length > 0) {
      const next = await attempt(followUps.flatMap(({ event, deliveries }) => leased(event, deliveries)));
      addReport(report, next);
    }
    return report;
  }

  return {
    store,
    signals,
    attempt,
    deliverNow: (event, created) => attempt(leased(event, created)),
    async drain({ deadline, concurrency = DEFAULT_CONCURRENCY, lanes = DEFAULT_LANES } = {}) {
      const total: DrainReport = {
        delivered: 0,
        retried: 0,
        dead: 0,
        deferred: 0,
        stale: 0,
        claimed: 0,
        batches: 0,
        stoppedBy: "idle",
      };
      let longest = 0;
      for (const destination of destinations.values()) longest = Math.max(longest, destination.timeoutMs);
      const margin = longest + 5_000;
      const lane = async () => {
        for (;;) {
          if (deadline && clock().getTime() + margin > deadline.getTime()) {
            total.stoppedBy = "deadline";
            return;
          }
          const claimed = await store.claim(concurrency, LEASE_SECONDS, clock());
          total.batches++;
          total.claimed += claimed.length;
          if (claimed.length === 0) return;
          const report = await attempt(claimed);
          addReport(total, report);
          // A short batch means nothing more was due when it was claimed.
          if (claimed.length < concurrency) return;
        }
      };
      await Promise.all(Array.from({ length: Math.max(1, lanes) }, lane));
      return total;
    },
  };
}

/**
 * One line per recorded attempt, so retries are visible in the server's log: which
 * delivery, where, how it ended (the HTTP status, or the error's class), how long it
 * took, and what comes next. Ids and classes only: no payload, no error text (a
 * receiver's answer can echo customers' data).
 */
function logAttempt(delivery: LeasedDelivery, record: AttemptRecord): void {
  log.info("delivery attempt", {
    delivery_id: delivery.id,
    destination: delivery.destination,
    attempt: delivery.attempt,
    outcome: record.outcome,
    status: record.status ?? record.error_class ?? null,
    duration_ms: record.duration_ms,
    next: record.outcome === "retry" ? record.next_attempt_at : record.outcome === "dead" ? "dead" : null,
  });
}

/** New deliveries, leased by the call that created them: their first attempt. */
function leased(
  event: LeasedDelivery["event"],
  created: readonly { id: number; destination: string }[],
): LeasedDelivery[] {
  return created.map(({ id, destination }) => ({
    id: Number(id),
    destination,
    attempt: 1,
    attemptsBeforeReplay: 0,
    event,
  }));
}

/**
 * An attempt that threw is made again later, never dead-lettered. A StoreError (an action
 * that reads or records meeting a store outage: unreachable, too slow) says so by its class.
 */
function thrown(error: unknown): AttemptOutcome {
  if (error instanceof StoreError) return { kind: "retry", error: error.message, errorClass: "store_unavailable" };
  return { kind: "retry", error: String(errorFields(error).error_message ?? error), errorClass: "exception" };
}

/** An action's answer, checked: a malformed outcome is retried rather than trusted. */
function checked(outcome: AttemptOutcome): AttemptOutcome {
  if (
    outcome &&
    (outcome.kind === "delivered" ||
      ((outcome.kind === "retry" || outcome.kind === "dead") && typeof outcome.errorClass === "string"))
  ) {
    return outcome;
  }
  return { kind: "retry", error: "the destination returned no valid outcome", errorClass: "invalid_outcome" };
}
