// `hookgate users`: the WhatsApp onboarding's users, newest first, or one of them with
// `verified` and the state of their code (pending, expired, void, verified; never the code).
import { E164 } from "../../config/e164.js";
import { isoTime, options, table, UsageError, UUID, type Command } from "../command.js";
import { openAdminClient } from "../admin-client.js";
import type { WhatsappUserView } from "../../store/whatsapp-users.js";

const usage = `usage:
  npx hookgate users [--limit <n>] [--json]
  npx hookgate users <user id | +E.164 phone> [--json]`;

export const command: Command = {
  name: "users",
  summary: "list the WhatsApp onboarding's users, or show one and the state of their code",
  usage,
  async run(args, io) {
    const { values, positionals } = options({
      args,
      allowPositionals: true,
      options: { json: { type: "boolean" }, limit: { type: "string" } },
    });
    if (positionals.length > 1) throw new UsageError("give at most one user id or phone number");
    const limit = values.limit === undefined ? undefined : Number(values.limit);
    if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1 && limit <= 500))
      throw new UsageError("--limit must be a number from 1 to 500");
    const [which] = positionals;
    if (which !== undefined && !UUID.test(which) && !E164.test(which))
      throw new UsageError("give a user id (a UUID) or a phone number in E.164 (+ and digits)");

    const client = await openAdminClient(io.env);
    try {
      if (which !== undefined) {
        const user = await client.user(UUID.test(which) ? { id: which } : { phone: which });
        if (!user) {
          io.err(`no such user (${client.where})`);
          return 1;
        }
        if (values.json) io.out(JSON.stringify(user, null, 2));
        else for (const line of describe(user)) io.out(line);
        return 0;
      }
      const list = await client.users({ limit });
      if (values.json) {
        io.out(JSON.stringify(list, null, 2));
        return 0;
      }
      if (list.length === 0) {
        io.out(`no users yet (${client.where})`);
        return 0;
      }
      for (const line of table(
        ["id", "phone", "channel", "name", "verified", "opted out", "code", "registered"],
        list.map((u) => [
          u.id,
          u.phone,
          u.preferences.channel ?? u.channel,
          u.profile_name,
          u.verified ? "yes" : "no",
          u.opted_out ? "yes" : "no",
          u.code.state,
          isoTime(u.created_at),
        ]),
      ))
        io.out(line);
      return 0;
    } finally {
      await client.close();
    }
  },
};

function describe(u: WhatsappUserView): string[] {
  const code =
    u.code.state === "none"
      ? "none sent"
      : `${u.code.state}, issued ${isoTime(u.code.issued_at)}, expires ${isoTime(u.code.expires_at)}, wrong tries ${u.code.wrong_attempts}`;
  const prefs = Object.entries(u.preferences).map(([k, v]) => `${k}=${v}`);
  return [
    `user ${u.id}`,
    `  phone ${u.phone} (${u.channel})${u.profile_name ? `, ${u.profile_name}` : ""}${u.wa_id ? `, WaId ${u.wa_id}` : ""}`,
    `  verified: ${u.verified ? `yes, ${isoTime(u.verified_at)}` : "no"}; opted out: ${u.opted_out ? `yes, ${isoTime(u.opted_out_at)}` : "no"}`,
    `  code: ${code}`,
    `  preferences: ${prefs.length ? prefs.join(", ") : "none"}; messages sent: ${u.messages_sent}`,
    `  registered ${isoTime(u.created_at)}`,
  ];
}
