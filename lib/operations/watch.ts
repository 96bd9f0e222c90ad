// Operational alerts, through the shared alert module (lib/alerts): a delivery
// dead-lettered, a breaker opened or closed (the delivery engine's signals), delivery
// success under ALERT_SUCCESS_RATE_BELOW over 15 minutes, and the oldest pending
// delivery older than ALERT_PENDING_AGE_MINUTES (from a metrics snapshot).
// Each kind is scoped (per destination where there is one) and cooled down by the
// alert module, so a flapping destination sends one message per cooldown.
import type { AlertOutcome, Alerts } from "../alerts/index.js";
import type { Env } from "../config/env.js";
import type { DeliverySignal } from "../delivery/signals.js";
import { destinationRates, type Snapshot } from "./metrics.js";
import { duration, percent } from "./format.js";

export const ALERT_KINDS = {
  deadLetter: "dead_letter",
  breakerOpened: "breaker_opened",
  breakerClosed: "breaker_closed",
  successRate: "delivery_success_rate",
  pendingAge: "pending_delivery_age",
} as const;

/** The alert of one delivery signal: `engine.signals.on((signal) => alertOnSignal(alerts, signal))`. */
export function alertOnSignal(alerts: Alerts, signal: DeliverySignal): Promise<AlertOutcome> {
  const scope = signal.destination;
  switch (signal.type) {
    case "dead_letter":
      return alerts.alert(
        ALERT_KINDS.deadLetter,
        {
          title: `a delivery to ${signal.destination} was dead-lettered`,
          severity: "warning",
          fields: {
            destination: signal.destination,
            delivery: signal.deliveryId,
            event: `${signal.provider} ${signal.eventType ?? ""} ${signal.eventId}`.replace(/\s+/g, " "),
            attempts: signal.attempts,
            "last error": `${signal.errorClass}${signal.status ? ` (HTTP ${signal.status})` : ""}: ${signal.error.slice(0, 200)}`,
            replay: `npx hookgate replay ${signal.deliveryId}`,
          },
        },
        { scope },
      );
    case "breaker_opened":
      return alerts.alert(
        ALERT_KINDS.breakerOpened,
        {
          title: `circuit breaker opened for ${signal.destination}`,
          severity: "critical",
          fields: {
            destination: signal.destination,
            reason:
              signal.reason === "consecutive_failures"
                ? `${signal.consecutiveFailures} consecutive failures`
                : `${signal.windowFailed} of ${signal.windowTotal} attempts failed`,
            "probe at": signal.until.toISOString(),
          },
        },
        { scope },
      );
    case "breaker_closed":
      return alerts.alert(
        ALERT_KINDS.breakerClosed,
        {
          title: `circuit breaker closed for ${signal.destination}: deliveries resumed`,
          severity: "info",
          fields: { destination: signal.destination },
        },
        { scope },
      );
  }
}

export interface HealthThresholds {
  successRateBelow: number;
  minAttempts: number;
  pendingAgeSeconds: number;
}

export function healthThresholds(env: Env): HealthThresholds {
  return {
    successRateBelow: env.ALERT_SUCCESS_RATE_BELOW,
    minAttempts: env.ALERT_SUCCESS_MIN_ATTEMPTS,
    pendingAgeSeconds: env.ALERT_PENDING_AGE_MINUTES * 60,
  };
}

export interface HealthFinding {
  kind: (typeof ALERT_KINDS)["successRate" | "pendingAge"];
  title: string;
  fields: Record<string, string | number>;
}

/** Pure: what in this snapshot is worth an alert. */
export function findings(s: Snapshot, t: HealthThresholds): HealthFinding[] {
  const found: HealthFinding[] = [];
  const recent = s.success.last_15m;
  const rate = s.successRate.last_15m;
  if (rate !== null && recent.attempts >= t.minAttempts && rate < t.successRateBelow) {
    const worst = [...destinationRates(s)]
      .filter(([, r]) => r.last_15m !== null && r.last_15m < t.successRateBelow)
      .sort(([, a], [, b]) => (a.last_15m ?? 1) - (b.last_15m ?? 1))
      .slice(0, 3)
      .map(([name, r]) => `${name} ${percent(r.last_15m)}`);
    found.push({
      kind: ALERT_KINDS.successRate,
      title: `delivery success ${percent(rate)} over 15 minutes (under ${percent(t.successRateBelow)})`,
      fields: {
        attempts: recent.attempts,
        delivered: recent.delivered,
        "lowest destinations": worst.join(", ") || "—",
      },
    });
  }
  if (s.oldest_pending_seconds !== null && s.oldest_pending_seconds > t.pendingAgeSeconds) {
    found.push({
      kind: ALERT_KINDS.pendingAge,
      title: `the oldest pending delivery is ${duration(s.oldest_pending_seconds)} old`,
      fields: {
        threshold: duration(t.pendingAgeSeconds),
        pending: s.deliveries
          .filter((d) => d.status === "pending" || d.status === "in_flight")
          .reduce((n, d) => n + d.count, 0),
        "dead letters": s.dead_letters,
      },
    });
  }
  return found;
}

/** Alerts on what the snapshot shows; the alert module's cooldowns keep repeats quiet. */
export async function checkHealth(
  alerts: Alerts,
  thresholds: HealthThresholds,
  s: Snapshot,
): Promise<{ kind: string; outcome: AlertOutcome }[]> {
  return Promise.all(
    findings(s, thresholds).map(async (f) => ({
      kind: f.kind,
      outcome: await alerts.alert(f.kind, { title: f.title, severity: "warning", fields: f.fields }),
    })),
  );
}
