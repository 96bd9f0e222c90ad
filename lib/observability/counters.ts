// In-process counters for things that must be visible even when Redis is not (a rate
// limiter failing open, alerts that could not be sent). Per instance, reset on cold
// start: a signal for logs and /metrics, not a shared tally.

const counts = new Map<string, number>();

function keyOf(name: string, labels: Record<string, string>): string {
  const parts = Object.entries(labels)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}="${v}"`);
  return parts.length > 0 ? `${name}{${parts.join(",")}}` : name;
}

export function increment(name: string, labels: Record<string, string> = {}, by = 1): void {
  const key = keyOf(name, labels);
  counts.set(key, (counts.get(key) ?? 0) + by);
}

export function counterValue(name: string, labels: Record<string, string> = {}): number {
  return counts.get(keyOf(name, labels)) ?? 0;
}

/** Every counter as `name{label="value"}` → count (Prometheus text format keys). */
export function counterSnapshot(): Record<string, number> {
  return Object.fromEntries(counts);
}
