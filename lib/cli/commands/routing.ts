// `hookgate routing --task <id>`: why a ClickUp ticket was routed as it was.
import { isoTime, options, UsageError, type Command } from "../command.js";
import { openAdminClient } from "../admin-client.js";

const usage = `usage:
  npx hookgate routing --task <ClickUp task id> [--limit <n>] [--json]
  npx hookgate routing --event <event id> [--json]

The decisions the ClickUp router took (newest first): the customer and market it read,
who it assigned, the tags it set, each rule's reason, and whether it was applied.`;

export const command: Command = {
  name: "routing",
  summary: "show the routing decisions taken for a ClickUp ticket",
  usage,
  async run(args, io) {
    const { values } = options({
      args,
      options: {
        task: { type: "string" },
        event: { type: "string" },
        limit: { type: "string" },
        json: { type: "boolean" },
      },
    });
    if ((values.task === undefined) === (values.event === undefined)) throw new UsageError("give --task or --event");
    const limit = values.limit === undefined ? undefined : Number(values.limit);
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > 500))
      throw new UsageError("--limit: a number from 1 to 500");
    const client = await openAdminClient(io.env);
    try {
      const decisions = await client.routing({ task: values.task, event: values.event, limit });
      if (values.json) {
        io.out(JSON.stringify(decisions, null, 2));
        return 0;
      }
      if (decisions.length === 0) {
        io.out(
          `no routing decision recorded for ${values.task ? `task ${values.task}` : `event ${values.event}`} (${client.where})`,
        );
        return 0;
      }
      for (const d of decisions) {
        io.out(
          `${isoTime(d.decided_at)}  task ${d.task_id}  ${d.event_type ?? "-"}  (event ${d.event_id}, attempt ${d.attempt}, delivery ${d.delivery_status ?? "-"})`,
        );
        io.out(`  customer: ${d.customer ?? "-"}   market: ${d.market ?? "-"}`);
        io.out(
          `  assigned: ${d.assignees.length ? d.assignees.join(", ") : "nobody"}   tags: ${d.tags.length ? d.tags.join(", ") : "none"}`,
        );
        for (const reason of d.reasons as unknown[])
          io.out(`  why: ${typeof reason === "string" ? reason : JSON.stringify(reason)}`);
      }
      return 0;
    } finally {
      await client.close();
    }
  },
};
