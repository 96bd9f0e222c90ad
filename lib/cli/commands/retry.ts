// `hookgate retry <delivery id>`: a pending delivery (waiting for its next scheduled
// attempt) becomes due now, e.g. once its receiver is fixed. The breaker still
// applies: an open one defers the attempt as it would any other.
import { openAdminClient } from "../admin-client.js";
import { parseOptions, UsageError, type Command } from "../command.js";

const usage = `usage:
  npx hookgate retry <delivery id> [--json]

Only a pending delivery can be retried now; a dead one is replayed (npx hookgate replay <id>).
The server's delivery loop (or the cron) then attempts it within seconds.`;

export const command: Command = {
  name: "retry",
  summary: "make a pending delivery due now (after fixing its receiver)",
  usage,
  async run(args, io) {
    const { values, positionals } = parseOptions(args, { json: { type: "boolean" } });
    if (positionals.length !== 1) throw new UsageError("retry takes one delivery id");
    const id = Number(positionals[0]);
    if (!Number.isSafeInteger(id) || id <= 0) throw new UsageError(`not a delivery id: ${positionals[0]}`);
    const admin = await openAdminClient(io.env);
    try {
      const result = await admin.retry(id);
      if (values.json) io.out(JSON.stringify(result));
      else io.out(result.message ?? `delivery ${id} is due now (${admin.where})`);
      return 0;
    } finally {
      await admin.close();
    }
  },
};
