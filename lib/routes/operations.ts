// The operations routes that are not the admin API: /api/metrics (METRICS_TOKEN) and
// the crons /api/cron/cleanup, /api/cron/report and /api/cron/watch (CRON_SECRET).
// Crons answer GET (Vercel Cron) and POST (Supabase Cron through pg_net).
import { z } from "zod";
import type { Gateway } from "../gateway.js";
import { after } from "../http/after.js";
import { prometheusText, snapshot } from "../operations/metrics.js";
import { operatorEndpoint, parseQuery } from "../http/operator.js";
import { sendWeeklyReport } from "../operations/report.js";
import { cleanup, retentionPolicy } from "../operations/retention.js";
import { checkHealth } from "../operations/watch.js";

/** vercel.json's maxDuration for api/cron/cleanup.ts: the most a Hobby plan allows. */
export const CLEANUP_MAX_DURATION_SECONDS = 300;
/** Room left for the answer and a slow last batch. */
const CLEANUP_MARGIN_MS = 30_000;

const none = z.object({}).strict();

/** GET /api/metrics : Prometheus text format. The scrape also runs the health alerts, after its answer. */
export function metricsEndpoint(gateway?: () => Promise<Gateway>) {
  return operatorEndpoint(
    "metrics",
    ["GET"],
    "METRICS_TOKEN",
    async (request, gw) => {
      parseQuery(none, request);
      const s = await snapshot(gw);
      after("watch", () => checkHealth(gw, s));
      return new Response(prometheusText(s), {
        headers: { "content-type": "text/plain; version=0.0.4; charset=utf-8" },
      });
    },
    gateway,
  );
}

/** GET|POST /api/cron/cleanup : retention in bounded batches, stopping before the function's limit. */
export function cleanupEndpoint(
  gateway?: () => Promise<Gateway>,
  budgetMs = CLEANUP_MAX_DURATION_SECONDS * 1000 - CLEANUP_MARGIN_MS,
) {
  return operatorEndpoint(
    "cron/cleanup",
    ["GET", "POST"],
    "CRON_SECRET",
    async (request, gw, context) => {
      parseQuery(none, request);
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
    gateway,
  );
}

/** GET|POST /api/cron/report : the weekly report to Slack. */
export function reportEndpoint(gateway?: () => Promise<Gateway>) {
  return operatorEndpoint(
    "cron/report",
    ["GET", "POST"],
    "CRON_SECRET",
    async (request, gw, context) => {
      parseQuery(none, request);
      const { report, outcome } = await sendWeeklyReport(gw);
      context.note({ outcome: outcome.sent ? "sent" : `not_sent:${outcome.reason}` });
      return Response.json({ ...outcome, report });
    },
    gateway,
  );
}

/** GET|POST /api/cron/watch : the health alerts (success rate, oldest pending) on a schedule. */
export function watchEndpoint(gateway?: () => Promise<Gateway>) {
  return operatorEndpoint(
    "cron/watch",
    ["GET", "POST"],
    "CRON_SECRET",
    async (request, gw) => {
      parseQuery(none, request);
      const s = await snapshot(gw);
      const alerts = await checkHealth(gw, s);
      return Response.json({
        success_rate_15m: s.successRate.last_15m,
        oldest_pending_seconds: s.oldest_pending_seconds,
        dead_letters: s.dead_letters,
        alerts,
      });
    },
    gateway,
  );
}
