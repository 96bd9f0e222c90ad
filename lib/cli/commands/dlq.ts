// `hookgate dlq`: reads the dead-letter queue.
import { checkNames, openAdminClient } from "../admin-client.js";
import {
  deliveryFilterOptions,
  isoTime,
  parseOptions,
  table,
  timeOption,
  UsageError,
  type Command,
} from "../command.js";

const usage = `usage:
  npx hookgate dlq [list] [--destination <name>] [--provider <name>] [--type <event type>]
                          [--since <2h|30m|7d|ISO time>] [--until <…>] [--limit <n>] [--before <id>] [--json]
  npx hookgate dlq show <delivery id> [--json]

Times filter on when the event was received. Pages go newest first: pass the printed
--before id for the next page.`;

export const command: Command = {
  name: "dlq",
  summary: "list dead letters, or show one with its attempt log",
  usage,
  async run(args, io) {
    const { values, positionals } = parseOptions(args, {
      ...deliveryFilterOptions,
      limit: { type: "string" },
      before: { type: "string" },
    });
    const [sub = "list", ...rest] = positionals;
    const admin = await openAdminClient(io.env);
    try {
      if (sub === "show") {
        if (rest.length !== 1) throw new UsageError("dlq show takes one delivery id");
        const id = Number(rest[0]);
        if (!Number.isSafeInteger(id) || id <= 0) throw new UsageError(`not a delivery id: ${rest[0]}`);
        const delivery = await admin.getDelivery(id);
        if (!delivery) {
          io.err(`no delivery ${id} (${admin.where})`);
          return 1;
        }
        if (values.json) {
          io.out(JSON.stringify(delivery, null, 2));
          return 0;
        }
        io.out(
          `delivery ${delivery.id} → ${delivery.destination}: ${delivery.status}, ${delivery.attempts} attempt(s), replayed ${delivery.replays}×`,
        );
        io.out(
          `event ${delivery.event.id}  ${delivery.event.provider} ${delivery.event.type ?? "-"}  received ${isoTime(delivery.event.received_at)}`,
        );
        if (delivery.last_error) io.out(`last error: ${delivery.last_error_class}: ${delivery.last_error}`);
        io.out("attempts (newest first):");
        for (const line of table(
          ["attempt", "at", "outcome", "status", "took", "error", "answer"],
          delivery.log.map((a) => [
            `#${a.attempt}`,
            isoTime(a.attempted_at),
            a.outcome,
            a.status,
            `${a.duration_ms} ms`,
            a.error_class,
            a.response ? oneLine(a.response, 80) : null,
          ]),
        ))
          io.out(`  ${line}`);
        return 0;
      }
      if (sub !== "list" || rest.length > 0) throw new UsageError(`unknown: ${positionals.join(" ")}`);
      await checkNames(admin, values);
      const page = await admin.listDeadLetters({
        destination: values.destination,
        provider: values.provider,
        type: values.type,
        since: timeOption("since", values.since),
        until: timeOption("until", values.until),
        limit: values.limit,
        before: values.before,
      });
      if (values.json) {
        io.out(JSON.stringify(page, null, 2));
        return 0;
      }
      if (page.items.length === 0) {
        io.out(`no dead letters (${admin.where})`);
        return 0;
      }
      for (const line of table(
        ["id", "destination", "provider", "event type", "attempts", "last", "dead at"],
        page.items.map((d) => [
          d.id,
          d.destination,
          d.provider,
          d.event_type,
          d.attempts,
          `${d.last_status ?? "-"} ${d.last_error_class ?? ""}`.trim(),
          isoTime(d.dead_at),
        ]),
      ))
        io.out(line);
      if (page.next_before_id !== null) io.out(`more: --before ${page.next_before_id}`);
      return 0;
    } finally {
      await admin.close();
    }
  },
};

function oneLine(text: string, max: number): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
