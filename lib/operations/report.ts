// The weekly report: volume, duplicates (counted when they arrived), success rate, p95 ack latency, dead letters and the
// destinations that failed most, each next to the week before. Posted through the
// alert module (the same Slack channel and format as alerts).
import type { AlertMessage, AlertOutcome, Alerts } from "../alerts/index.js";
import type { Store } from "../store/store.js";
import type { StoreReport, WeekFigures } from "../store/metrics.js";
import { percent } from "./format.js";

export const REPORT_KIND = "weekly_report";
/** A cron invoked twice for one schedule (it happens) posts once. */
const REPORT_COOLDOWN_MS = 60 * 60 * 1000;

export function successRate(week: WeekFigures): number | null {
  return week.attempts > 0 ? week.delivered / week.attempts : null;
}

/** Pure: the report as a message. */
export function reportMessage(report: StoreReport): AlertMessage {
  const { this_week: now, last_week: before } = report;
  const count = (n: number) => n.toLocaleString("en-US");
  const change = (a: number, b: number) =>
    b === 0 ? (a === 0 ? "±0%" : "new") : `${a >= b ? "+" : "−"}${Math.abs(Math.round(((a - b) / b) * 100))}%`;
  const ms = (v: number | null) => (v === null ? "—" : `${Math.round(v)} ms`);
  const failing = now.top_failing
    .map((f) => `${f.destination}: ${count(f.failed)} of ${count(f.attempts)} attempts failed`)
    .join("; ");
  return {
    title: `weekly report, ${now.since.slice(0, 10)} to ${now.until.slice(0, 10)}`,
    severity: "info",
    fields: {
      "webhooks received": `${count(now.events)} (${change(now.events, before.events)} vs ${count(before.events)} the week before)`,
      "duplicates acknowledged": `${count(now.duplicates)} (the week before: ${count(before.duplicates)})`,
      "delivery success": `${percent(successRate(now))} of ${count(now.attempts)} attempts (the week before: ${percent(successRate(before))})`,
      "p95 ack latency": `${ms(now.p95_ms)} (the week before: ${ms(before.p95_ms)})`,
      "dead-lettered": `${count(now.dead_lettered)} (the week before: ${count(before.dead_lettered)})`,
      "top failing destinations": failing || "none",
    },
  };
}

export async function sendWeeklyReport(
  app: { store: Store; alerts: Alerts },
  now?: Date,
): Promise<{ report: StoreReport; outcome: AlertOutcome }> {
  const report = await app.store.metrics.report(now);
  const outcome = await app.alerts.alert(REPORT_KIND, reportMessage(report), {
    cooldownMs: REPORT_COOLDOWN_MS,
  });
  return { report, outcome };
}
