// `hookgate events`: search the recorded events, a page at a time.
import { isoTime, options, table, timeOption, UsageError, type Command } from "../command.js";
import { checkNames, openAdminClient } from "../admin-client.js";

const usage = `usage:
  npx hookgate events [--provider <name>] [--type <event type>] [--status none|pending|delivered|dead]
                      [--dedup-key <key>] [--since <2h|30m|7d|ISO time>] [--until <…>]
                      [--limit <n>] [--cursor <cursor>] [--json]

Newest first. Status sums up the event's deliveries: dead if any is dead, pending if
any is unfinished, delivered when all are, none when it has none. A full page prints
the --cursor of the next one.`;

export const command: Command = {
  name: "events",
  summary: "search events by provider, type, status, dedup key and time",
  usage,
  async run(args, io) {
    const { values, positionals } = parse(args);
    if (positionals.length > 0) throw new UsageError(`unexpected: ${positionals.join(" ")}`);
    const client = await openAdminClient(io.env);
    try {
      await checkNames(client, values);
      const page = await client.events({
        provider: values.provider,
        type: values.type,
        status: values.status as never,
        dedup_key: values["dedup-key"],
        since: timeOption("since", values.since),
        until: timeOption("until", values.until),
        limit: values.limit,
        cursor: values.cursor,
      });
      if (values.json) {
        io.out(JSON.stringify(page, null, 2));
        return 0;
      }
      if (page.items.length === 0) {
        io.out(`no events (${client.where})`);
        return 0;
      }
      for (const line of table(
        ["received", "provider", "type", "status", "deliveries", "ack", "dedup key", "id"],
        page.items.map((e) => [
          isoTime(e.received_at),
          e.provider,
          e.event_type,
          e.status,
          e.deliveries,
          e.ack_ms === null ? null : `${e.ack_ms} ms`,
          shorten(e.dedup_key, 40),
          e.id,
        ]),
      ))
        io.out(line);
      if (page.next_cursor) io.out(`more: --cursor ${page.next_cursor}`);
      return 0;
    } finally {
      await client.close();
    }
  },
};

function parse(args: string[]) {
  return options({
    args,
    allowPositionals: true,
    options: {
      provider: { type: "string" },
      type: { type: "string" },
      status: { type: "string" },
      "dedup-key": { type: "string" },
      since: { type: "string" },
      until: { type: "string" },
      limit: { type: "string" },
      cursor: { type: "string" },
      json: { type: "boolean" },
    },
  });
}

function shorten(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
