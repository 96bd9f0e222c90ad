// The operations routes that are not the admin API: /api/metrics (METRICS_TOKEN) and
// the crons /api/cron/cleanup, /api/cron/report and /api/cron/watch (CRON_SECRET).
// Crons answer GET (Vercel Cron) and POST (Supabase Cron through pg_net).
import * as z from "../config/zod.js";
import type { App } from "../app.js";
import { prometheusText, snapshot, type Snapshot } from "../operations/metrics.js";
import { sendWeeklyReport } from "../operations/report.js";
import { cleanup, retentionPolicy } from "../operations/retention.js";
import { checkHealth, healthThresholds } from "../operations/watch.js";
import { route } from "./route.js";

/** vercel.json's maxDuration for api/cron/cleanup.ts: the most a Hobby plan allows. */
export const CLEANUP_MAX_DURATION_SECONDS = 300;
/** Room left for the answer and a slow last batch. */
const CLEANUP_MARGIN_MS = 30_000;

const none = z.strictObject({});

const healthAlerts = (gw: App, s: Snapshot) => checkHealth(gw.alerts, healthThresholds(gw.config.env), s);

/** GET /api/metrics : Prometheus text format. The scrape also runs the health alerts, after its answer. */
export const metrics = route(
  { route: "metrics", methods: ["GET"], auth: "METRICS_TOKEN", query: none },
  async (gw, { context }) => {
    const s = await snapshot(gw);
    context.after("watch", () => healthAlerts(gw, s));
    return new Response(prometheusText(s), {
      headers: { "content-type": "text/plain; version=0.0.4; charset=utf-8" },
    });
  },
);

/** GET|POST /api/cron/cleanup : retention in bounded batches, stopping before the function's limit. */
export function cleanupRoute(budgetMs = CLEANUP_MAX_DURATION_SECONDS * 1000 - CLEANUP_MARGIN_MS) {
  return route(
    { route: "cron/cleanup", methods: ["GET", "POST"], auth: "CRON_SECRET", query: none },
    async (gw, { context }) => {
      const policy = retentionPolicy(gw.config.env);
      const report = await cleanup(gw.store.retention, policy, { deadline: new Date(Date.now() + budgetMs) });
      context.note({ outcome: "cleaned", ...report });
      return Response.json({
        deleted: {
          events: report.events,
          deliveries: report.deliveries,
          attempts: report.attempts,
          rejected_requests: report.rejections,
        },
        batches: report.batches,
        stopped_by: report.stoppedBy,
        duration_ms: Math.round(report.durationMs),
        retention_days: {
          events: policy.events / 86_400,
          dead_letters: policy.dead / 86_400,
          rejected_requests: policy.rejections / 86_400,
          dedup_floor: policy.dedup / 86_400,
        },
      });
    },
  );
}

export const cronCleanup = cleanupRoute();

/** GET|POST /api/cron/report : the weekly report to Slack. */
export const cronReport = route(
  { route: "cron/report", methods: ["GET", "POST"], auth: "CRON_SECRET", query: none },
  async (gw, { context }) => {
    const { report, outcome } = await sendWeeklyReport(gw);
    context.note({ outcome: outcome.sent ? "sent" : `not_sent:${outcome.reason}` });
    return Response.json({ ...outcome, report });
  },
);

/** GET|POST /api/cron/watch : the health alerts (success rate, oldest pending) on a schedule. */
export const cronWatch = route(
  { route: "cron/watch", methods: ["GET", "POST"], auth: "CRON_SECRET", query: none },
  async (gw) => {
    const s = await snapshot(gw);
    const alerts = await healthAlerts(gw, s);
    return Response.json({
      success_rate_15m: s.successRate.last_15m,
      oldest_pending_seconds: s.oldest_pending_seconds,
      dead_letters: s.dead_letters,
      alerts,
    });
  },
);
