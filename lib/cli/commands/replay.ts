// `hookgate replay`: puts dead deliveries back to pending with a fresh schedule. A
// replayed forward keeps its webhook-id, so the receiver can still dedup it.
import { openAdmin, timeOption } from "../admin.js";
import { deliveryFilterOptions, parseOptions, UsageError, type Command } from "../command.js";

const usage = `usage:
  npx hookgate replay <delivery id>
  npx hookgate replay [--destination <name>] [--provider <name>] [--type <event type>]
                      [--since <2h|30m|7d|ISO time>] [--until <…>] [--all] [--dry-run] [--json]

Bulk replay needs at least one filter, or --all for every dead delivery. --dry-run only
counts. The cron (or the next webhook's after-answer attempt) then delivers them.`;

export const command: Command = {
  name: "replay",
  summary: "replay one dead delivery, or every one matching filters (--dry-run counts)",
  usage,
  async run(args, io) {
    const { values, positionals } = parseOptions(args, { ...deliveryFilterOptions, all: { type: "boolean" }, "dry-run": { type: "boolean" } });
    if (positionals.length > 1) throw new UsageError("replay takes at most one delivery id");
    const id = positionals[0] === undefined ? undefined : Number(positionals[0]);
    if (id !== undefined && (!Number.isSafeInteger(id) || id <= 0)) throw new UsageError(`not a delivery id: ${positionals[0]}`);

    const admin = await openAdmin(io.env);
    try {
      const result = await admin.replay({
        id,
        destination: values.destination,
        provider: values.provider,
        type: values.type,
        since: timeOption(values.since),
        until: timeOption(values.until),
        all: values.all,
        dryRun: values["dry-run"],
      });
      if (values.json) io.out(JSON.stringify(result));
      else if (result.dry_run) io.out(`would replay ${result.matched} dead deliver${result.matched === 1 ? "y" : "ies"} (${admin.where})`);
      else if (id !== undefined && result.replayed === 0) io.out(result.message ?? `delivery ${id} is not dead: nothing replayed`);
      else io.out(`replayed ${result.replayed} dead deliver${result.replayed === 1 ? "y" : "ies"} (${admin.where})`);
      return id !== undefined && !result.dry_run && result.replayed === 0 ? 1 : 0;
    } finally {
      await admin.close();
    }
  },
};
