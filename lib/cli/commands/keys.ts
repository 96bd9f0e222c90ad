// `hookgate keys list | create | rotate | retire <kid> | revoke <kid>`: the ed25519 keys
// asymmetric forwards are signed with and the JWKS publishes (README, "Signing keys").
import { openAdminClient } from "../admin-client.js";
import { isoTime, parseOptions, table, UsageError, type Command } from "../command.js";

const usage = `usage:
  npx hookgate keys list [--json]
  npx hookgate keys create [--json]          a new key: current if it is the first, else next (published, not signing)
  npx hookgate keys rotate [--force] [--json] next → current (signs from now), current → retired
  npx hookgate keys retire <kid> [--json]    stops signing; stays published for the grace period
  npx hookgate keys revoke <kid> [--json]    leaves the JWKS at once, for good

States: next (published, waiting to sign), current (signs), retired (published for
HOOKGATE_SIGNING_KEY_GRACE_DAYS), revoked. rotate waits until the next key has been
published for the JWKS cache age (5 minutes); --force skips that, after a compromise.`;

const ACTIONS = ["list", "create", "rotate", "retire", "revoke"] as const;
type Action = (typeof ACTIONS)[number];

export const command: Command = {
  name: "keys",
  summary: "list, create, rotate, retire or revoke the signing keys (v1a, JWKS)",
  usage,
  async run(args, io) {
    const { values, positionals } = parseOptions(args, { json: { type: "boolean" }, force: { type: "boolean" } });
    const [action, kid, ...rest] = positionals;
    if (!ACTIONS.includes(action as Action)) throw new UsageError(`keys takes one of ${ACTIONS.join(", ")}`);
    const needsKid = action === "retire" || action === "revoke";
    if (needsKid ? kid === undefined || rest.length > 0 : kid !== undefined)
      throw new UsageError(needsKid ? `keys ${action} takes one key id` : `keys ${action} takes no key id`);
    if (values.force && action !== "rotate") throw new UsageError("--force goes with rotate only");
    const admin = await openAdminClient(io.env);
    try {
      if (action === "list") {
        const { source, keys } = await admin.keys();
        if (values.json) io.out(JSON.stringify({ source, keys }, null, 2));
        else if (keys.length === 0) io.out(`no signing keys (${admin.where}): npx hookgate keys create`);
        else {
          for (const line of table(
            ["kid", "state", "published", "created", "retired", "leaves JWKS"],
            keys.map((k) => [
              k.kid,
              k.state,
              k.published ? "yes" : "no",
              isoTime(k.created_at),
              isoTime(k.retired_at),
              isoTime(k.unpublished_at),
            ]),
          ))
            io.out(line);
          if (source === "env") io.out("(from HOOKGATE_SIGNING_KEYS: change that list and redeploy to change them)");
        }
        return 0;
      }
      const result = await admin.changeKeys(
        action === "create"
          ? { action }
          : action === "rotate"
            ? { action, ...(values.force ? { force: true } : {}) }
            : { action: action as "retire" | "revoke", kid: kid! },
      );
      io.out(values.json ? JSON.stringify(result, null, 2) : `${result.message} (${admin.where})`);
      return 0;
    } finally {
      await admin.close();
    }
  },
};
