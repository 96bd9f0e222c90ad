// The figures of the store, for /api/metrics, the dashboard and the weekly report: each
// one SQL function of supabase/migrations/20261122000400_operations.sql.
import type { StoreCall } from "./functions.js";
import type { StoreMetrics, StoreReport } from "./rows.js";

export type { StoreMetrics, StoreReport, WeekFigures } from "./rows.js";

export interface MetricsStore {
  /** Counts and latencies over the last 15 minutes and 24 hours (the store's clock unless `now`). */
  snapshot(now?: Date): Promise<StoreMetrics>;
  /** This week and last, with the `top` destinations that failed most. */
  report(now?: Date, top?: number): Promise<StoreReport>;
}

export function metricsStore(call: StoreCall): MetricsStore {
  return {
    snapshot: (now) => call("hookgate_metrics", { p_now: now?.toISOString() ?? null }),
    report: (now, top = 5) => call("hookgate_report", { p_now: now?.toISOString() ?? null, p_top: top }),
  };
}
