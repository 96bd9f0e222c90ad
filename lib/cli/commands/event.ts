// `hookgate event <id>`: one event, its deliveries and every attempt of each.
import { isoTime, options, table, UsageError, UUID, type Command } from "../command.js";
import { openAdminClient } from "../admin-client.js";

const usage = `usage:
  npx hookgate event <event id> [--json] [--body]

--body prints the raw body as received (as text; --json has it in base64).`;

export const command: Command = {
  name: "event",
  summary: "show one event with its deliveries and every attempt",
  usage,
  async run(args, io) {
    const { values, positionals } = options({
      args,
      allowPositionals: true,
      options: { json: { type: "boolean" }, body: { type: "boolean" } },
    });
    if (positionals.length !== 1 || !UUID.test(positionals[0]!))
      throw new UsageError("give one event id (a UUID, as `hookgate events` prints)");
    const client = await openAdminClient(io.env);
    try {
      const event = await client.event(positionals[0]!);
      if (!event) {
        io.err(`no event ${positionals[0]} (${client.where})`);
        return 1;
      }
      if (values.json) {
        io.out(JSON.stringify(event, null, 2));
        return 0;
      }
      io.out(`event ${event.id}`);
      io.out(
        `  ${event.provider} ${event.event_type ?? "-"}, received ${isoTime(event.received_at)}, ${event.verified ? "verified" : "UNVERIFIED"}`,
      );
      io.out(
        `  dedup key ${event.dedup_key}; ack ${event.ack_ms ?? "-"} ms; repeats acknowledged: ${event.duplicates}; body ${event.body_bytes} bytes`,
      );
      if (values.body) io.out(Buffer.from(event.body_base64, "base64").toString("utf8"));
      if (event.deliveries.length === 0) io.out("  no deliveries (no route matched)");
      for (const d of event.deliveries) {
        io.out("");
        io.out(
          `delivery ${d.id} → ${d.destination}: ${d.status}, ${d.attempts} attempt(s)${d.replays ? `, replayed ${d.replays}×` : ""}${d.status === "pending" ? `, next ${isoTime(d.next_attempt_at)}` : ""}`,
        );
        if (d.log.length === 0) continue;
        for (const line of table(
          ["#", "at", "outcome", "status", "took", "error"],
          d.log.map((a) => [
            a.attempt,
            isoTime(a.attempted_at),
            a.outcome,
            a.status,
            `${a.duration_ms} ms`,
            a.error_class ? `${a.error_class}: ${(a.error ?? "").slice(0, 60)}` : null,
          ]),
        ))
          io.out(`  ${line}`);
      }
      return 0;
    } finally {
      await client.close();
    }
  },
};
