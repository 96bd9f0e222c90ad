// `hookgate replay`: puts dead deliveries back to pending with a fresh schedule. A
// replayed forward keeps its webhook-id, so the receiver can still dedup it.
import { checkNames, openAdminClient } from "../admin-client.js";
import type { ReplayResult } from "../../store/deliveries.js";
import { deliveryFilterOptions, parseOptions, timeOption, UsageError, type Command, type Io } from "../command.js";

/** Deliveries replayed per call: each batch is one short transaction. */
const BATCH = 500;

const usage = `usage:
  npx hookgate replay <delivery id>
  npx hookgate replay [--destination <name>] [--provider <name>] [--type <event type>]
                      [--since <2h|30m|7d|ISO time>] [--until <…>] [--all] [--dry-run] [--json]

Bulk replay needs at least one filter, or --all for every dead delivery. --dry-run only
counts. It replays in batches of ${BATCH}, oldest first, with a progress bar on a
terminal. The cron (or the next webhook's after-answer attempt) then delivers them.`;

export const command: Command = {
  name: "replay",
  summary: "replay one dead delivery, or every one matching filters (--dry-run counts)",
  usage,
  async run(args, io) {
    const { values, positionals } = parseOptions(args, {
      ...deliveryFilterOptions,
      all: { type: "boolean" },
      "dry-run": { type: "boolean" },
    });
    if (positionals.length > 1) throw new UsageError("replay takes at most one delivery id");
    const id = positionals[0] === undefined ? undefined : Number(positionals[0]);
    if (id !== undefined && (!Number.isSafeInteger(id) || id <= 0))
      throw new UsageError(`not a delivery id: ${positionals[0]}`);

    const filtered = [values.destination, values.provider, values.type, values.since, values.until].some(
      (v) => v !== undefined,
    );
    if (id !== undefined && (filtered || values.all)) throw new UsageError("give a delivery id or filters, not both");
    if (id === undefined && !filtered && !values.all)
      throw new UsageError(
        "give an id, at least one filter (--destination, --provider, --type, --since, --until), or --all",
      );

    const admin = await openAdminClient(io.env);
    try {
      await checkNames(admin, values);
      const request = {
        id,
        destination: values.destination,
        provider: values.provider,
        type: values.type,
        since: timeOption("since", values.since),
        until: timeOption("until", values.until),
        all: values.all,
      };
      const result =
        id !== undefined || values["dry-run"]
          ? await admin.replay({ ...request, dryRun: values["dry-run"] })
          : await replayInBatches(
              (limit) => admin.replay({ ...request, limit }),
              await admin.replay({ ...request, dryRun: true }),
              io,
            );
      if (values.json) io.out(JSON.stringify(result));
      else if (result.dry_run)
        io.out(`would replay ${result.matched} dead deliver${result.matched === 1 ? "y" : "ies"} (${admin.where})`);
      else if (id !== undefined && result.replayed === 0)
        io.out(result.message ?? `delivery ${id} is not dead: nothing replayed`);
      else io.out(`replayed ${result.replayed} dead deliver${result.replayed === 1 ? "y" : "ies"} (${admin.where})`);
      return id !== undefined && !result.dry_run && result.replayed === 0 ? 1 : 0;
    } finally {
      await admin.close();
    }
  },
};

/**
 * Replays `counted.matched` dead deliveries a batch at a time, drawing progress. A
 * batch that replays fewer than asked means none are left (or others took them).
 */
async function replayInBatches(
  replayBatch: (limit: number) => Promise<ReplayResult & { message?: string }>,
  counted: ReplayResult,
  io: Io,
): Promise<ReplayResult & { message?: string }> {
  const total = counted.matched;
  let replayed = 0;
  for (;;) {
    const batch = await replayBatch(BATCH);
    replayed += batch.replayed;
    io.progress?.(progressBar(replayed, Math.max(total, replayed)));
    if (batch.replayed < BATCH) break;
  }
  if (total > 0) io.progress?.("\n");
  return { dry_run: false, matched: replayed, replayed };
}

export function progressBar(done: number, total: number, width = 30): string {
  const filled = total === 0 ? width : Math.round((done / total) * width);
  return `[${"#".repeat(filled)}${".".repeat(width - filled)}] ${done.toLocaleString("en")}/${total.toLocaleString("en")}`;
}
