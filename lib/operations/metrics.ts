// The one snapshot of operational numbers (the store's hookgate_metrics plus breaker
// states from the KV) and its Prometheus text form. /api/metrics, the dashboard, the
// CLI, the watch and the report all read this, so they cannot disagree.
//
// Serverless instances hold no useful counters, so every figure is computed from the
// store over a window ("15m", "24h") and exposed as a gauge: use them as they are
// (`hookgate_events{window="24h"}`), not through rate().
import type { Kv } from "../kv/port.js";
import type { Store } from "../store/store.js";
import { counterSnapshot } from "../observability/counters.js";
import { readBreakers, type BreakerReading } from "./breakers.js";
import type { StoreMetrics } from "../store/metrics.js";
import type { WhatsappMetrics } from "../store/whatsapp-users.js";

export interface Snapshot extends StoreMetrics {
  breakers: BreakerReading[];
  /** Delivered attempts / attempts; null when there were none. */
  successRate: { last_15m: number | null; last_24h: number | null };
  /** The WhatsApp onboarding's lifetime counts (kept in the store, not the events: retention does not lower them). */
  onboarding: WhatsappMetrics;
}

/** What a snapshot reads: the store, the KV (breaker states) and the destinations' names. */
export interface SnapshotSources {
  store: Store;
  kv: Kv;
  routing: { destinations: ReadonlyMap<string, unknown> };
}

export async function snapshot(app: SnapshotSources, now?: Date): Promise<Snapshot> {
  const [metrics, breakers, onboarding] = await Promise.all([
    app.store.metrics.snapshot(now),
    readBreakers(app.kv, app.routing.destinations.keys(), { now: now?.getTime() }),
    app.store.whatsapp.metrics(),
  ]);
  const rate = ({ attempts, delivered }: { attempts: number; delivered: number }) =>
    attempts > 0 ? delivered / attempts : null;
  return {
    ...metrics,
    breakers,
    successRate: { last_15m: rate(metrics.success.last_15m), last_24h: rate(metrics.success.last_24h) },
    onboarding,
  };
}

const WINDOWS = [
  ["15m", "last_15m"],
  ["24h", "last_24h"],
] as const;

/** The snapshot in the Prometheus text exposition format (version 0.0.4). */
export function prometheusText(s: Snapshot): string {
  const out: string[] = [];
  const family = (name: string, type: "gauge" | "histogram" | "counter", help: string) => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
  };
  const sample = (name: string, labels: Record<string, string>, value: number) => {
    const set = Object.entries(labels)
      .map(([k, v]) => `${k}="${escapeLabel(v)}"`)
      .join(",");
    out.push(`${name}${set ? `{${set}}` : ""} ${formatValue(value)}`);
  };

  family(
    "hookgate_events",
    "gauge",
    "Webhooks received in the window, by provider and outcome (accepted, duplicate, rejected:<reason>; rejections are sampled).",
  );
  for (const e of s.events)
    for (const [w, key] of WINDOWS)
      sample("hookgate_events", { provider: e.provider, outcome: e.outcome, window: w }, e[key]);

  family(
    "hookgate_ack_latency_seconds",
    "histogram",
    "Time from a webhook's arrival to its record committed, over the last 24 hours.",
  );
  for (const b of s.latency.buckets)
    sample("hookgate_ack_latency_seconds_bucket", { le: String(b.le_ms / 1000) }, b.count);
  sample("hookgate_ack_latency_seconds_bucket", { le: "+Inf" }, s.latency.count);
  sample("hookgate_ack_latency_seconds_sum", {}, s.latency.sum_ms / 1000);
  sample("hookgate_ack_latency_seconds_count", {}, s.latency.count);

  family("hookgate_ack_latency_p95_seconds", "gauge", "95th percentile of the ack latency in the window.");
  if (s.latency.p95_15m_ms !== null)
    sample("hookgate_ack_latency_p95_seconds", { window: "15m" }, s.latency.p95_15m_ms / 1000);
  if (s.latency.p95_ms !== null) sample("hookgate_ack_latency_p95_seconds", { window: "24h" }, s.latency.p95_ms / 1000);

  family("hookgate_deliveries", "gauge", "Deliveries kept in the store, by destination and status.");
  for (const d of s.deliveries)
    sample("hookgate_deliveries", { destination: d.destination, status: d.status }, d.count);

  family(
    "hookgate_delivery_attempts",
    "gauge",
    "Delivery attempts in the window, by destination and outcome (delivered, retry, dead).",
  );
  for (const a of s.attempts)
    for (const [w, key] of WINDOWS)
      sample("hookgate_delivery_attempts", { destination: a.destination, outcome: a.outcome, window: w }, a[key]);

  family(
    "hookgate_delivery_success_ratio",
    "gauge",
    "Delivered attempts / all attempts in the window (absent when there were none).",
  );
  for (const [w, key] of WINDOWS) {
    const rate = s.successRate[key];
    if (rate !== null) sample("hookgate_delivery_success_ratio", { window: w }, rate);
  }

  family(
    "hookgate_destination_success_ratio",
    "gauge",
    "Delivered attempts / all attempts in the window, by destination.",
  );
  for (const [destination, byWindow] of destinationRates(s)) {
    for (const [w, key] of WINDOWS) {
      const rate = byWindow[key];
      if (rate !== null) sample("hookgate_destination_success_ratio", { destination, window: w }, rate);
    }
  }

  family("hookgate_dead_letters", "gauge", "Deliveries in the dead-letter queue.");
  sample("hookgate_dead_letters", {}, s.dead_letters);

  family(
    "hookgate_oldest_pending_delivery_seconds",
    "gauge",
    "Age of the oldest delivery not yet delivered or dead (0 when none).",
  );
  sample("hookgate_oldest_pending_delivery_seconds", {}, s.oldest_pending_seconds ?? 0);

  family("hookgate_breaker_open", "gauge", "1 while the destination's circuit breaker is open or half-open.");
  for (const b of s.breakers)
    sample(
      "hookgate_breaker_open",
      { destination: b.destination },
      b.state === "open" || b.state === "half_open" ? 1 : 0,
    );

  family("hookgate_breaker_state", "gauge", "The destination's circuit breaker state (1 for the current one).");
  for (const b of s.breakers) sample("hookgate_breaker_state", { destination: b.destination, state: b.state }, 1);

  // The onboarding's counts are the store's lifetime totals, the same from every instance: counters.
  const onboarding = [
    ["hookgate_user_registrations_total", "Users the WhatsApp onboarding registered.", s.onboarding.registrations],
    ["hookgate_otp_sent_total", "One-time codes Twilio accepted for sending.", s.onboarding.otp_sent],
    ["hookgate_otp_verified_total", "Users verified by their one-time code.", s.onboarding.otp_verified],
    ["hookgate_otp_failed_total", "Codes replied that were wrong, expired or void.", s.onboarding.otp_failed],
  ] as const;
  for (const [name, help, value] of onboarding) {
    family(name, "counter", help);
    sample(name, {}, Number(value));
  }

  // This instance's own counters (fail-opens, alerts sent): a hint, reset on cold start.
  const counters = Object.entries(counterSnapshot()).sort(([a], [b]) => a.localeCompare(b));
  const seen = new Set<string>();
  for (const [key, value] of counters) {
    const name = key.replace(/\{.*$/, "");
    if (!seen.has(name)) {
      seen.add(name);
      family(name, "counter", "Counted by the instance that answered this scrape (reset on cold start).");
    }
    out.push(`${key} ${formatValue(value)}`);
  }
  return `${out.join("\n")}\n`;
}

/** Success ratio per destination and window, from the attempt counts. */
export function destinationRates(
  s: Pick<StoreMetrics, "attempts">,
): Map<string, { last_15m: number | null; last_24h: number | null }> {
  const sums = new Map<string, { a15: number; d15: number; a24: number; d24: number }>();
  for (const a of s.attempts) {
    const sum = sums.get(a.destination) ?? { a15: 0, d15: 0, a24: 0, d24: 0 };
    sum.a15 += a.last_15m;
    sum.a24 += a.last_24h;
    if (a.outcome === "delivered") {
      sum.d15 += a.last_15m;
      sum.d24 += a.last_24h;
    }
    sums.set(a.destination, sum);
  }
  return new Map(
    [...sums].map(([destination, x]) => [
      destination,
      { last_15m: x.a15 > 0 ? x.d15 / x.a15 : null, last_24h: x.a24 > 0 ? x.d24 / x.a24 : null },
    ]),
  );
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  return String(value);
}
