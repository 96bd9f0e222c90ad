// How operational figures read to a person: in alerts, the weekly report, the dashboard
// and `npx hookgate status`, the same way everywhere.

/** A ratio as a percentage, rounded down to one decimal (99.96 % must not read 100.0 %). */
export function percent(ratio: number | null): string {
  if (ratio === null) return "—";
  return `${(Math.floor(ratio * 1000) / 10).toFixed(1)}%`;
}

/** A number of seconds in the unit a person would say it in. */
export function duration(seconds: number): string {
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 7_200) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172_800) return `${Math.round(seconds / 3_600)} h`;
  return `${Math.round(seconds / 86_400)} days`;
}
