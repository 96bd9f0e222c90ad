// `hookgate status`: the dashboard's numbers in a terminal.
import { options, table, UsageError, type Command } from "../command.js";
import { openAdminClient } from "../admin-client.js";
import { destinationRates } from "../../operations/metrics.js";
import { duration, percent } from "../../operations/format.js";

const usage = `usage:
  npx hookgate status [--json]

Webhooks, delivery success, ack latency, dead letters, oldest pending delivery,
breakers and rejections: the same numbers as /api/metrics and the dashboard.`;

export const command: Command = {
  name: "status",
  summary: "the operational numbers: volume, success, latency, dead letters, breakers",
  usage,
  async run(args, io) {
    const { values, positionals } = options({ args, allowPositionals: true, options: { json: { type: "boolean" } } });
    if (positionals.length > 0) throw new UsageError(`unexpected: ${positionals.join(" ")}`);
    const json = values.json ?? false;
    const client = await openAdminClient(io.env);
    try {
      const o = await client.overview();
      if (json) {
        io.out(JSON.stringify(o, null, 2));
        return 0;
      }
      const m = o.metrics;
      const ms = (v: number | null) => (v === null ? "-" : `${Math.round(v)} ms`);
      io.out(`hookgate status (${client.where})`);
      io.out("");
      for (const line of table(
        ["", "15 min", "24 h"],
        [
          ["delivery success", percent(m.successRate.last_15m), percent(m.successRate.last_24h)],
          ["attempts", m.success.last_15m.attempts, m.success.last_24h.attempts],
          ["p95 ack latency", ms(m.latency.p95_15m_ms), ms(m.latency.p95_ms)],
        ],
      ))
        io.out(line);
      io.out(`dead letters      ${m.dead_letters}`);
      io.out(`oldest pending    ${m.oldest_pending_seconds === null ? "none" : duration(m.oldest_pending_seconds)}`);
      io.out("");
      io.out("webhooks by provider and outcome");
      for (const line of table(
        ["provider", "outcome", "15 min", "24 h"],
        m.events.map((e) => [e.provider, e.outcome, e.last_15m, e.last_24h]),
      ))
        io.out(`  ${line}`);
      const rates = destinationRates(m);
      io.out("");
      io.out("destinations");
      for (const line of table(
        ["destination", "breaker", "success 15 min", "success 24 h"],
        m.breakers.map((b) => [
          b.destination,
          b.state,
          percent(rates.get(b.destination)?.last_15m ?? null),
          percent(rates.get(b.destination)?.last_24h ?? null),
        ]),
      ))
        io.out(`  ${line}`);
      return 0;
    } finally {
      await client.close();
    }
  },
};
