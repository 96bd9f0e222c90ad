// Global setup: says which real services this run uses, so a run without them says
// plainly that their tests were skipped rather than passing quietly.
export default function services(): void {
  const services: [string, string][] = [
    ["DATABASE_URL", "real-PostgreSQL tests (concurrency, leases, transports)"],
    ["REDIS_URL", "real-Redis tests (shared counters, Lua scripts)"],
  ];
  const missing = services.filter(([name]) => !process.env[name]);
  for (const [name, what] of missing) {
    console.warn(`[hookgate tests] ${name} is not set: ${what} are SKIPPED in this run`);
  }
  if (missing.length === 0) console.log("[hookgate tests] using real PostgreSQL and Redis");
}
