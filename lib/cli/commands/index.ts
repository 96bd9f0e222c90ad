// Every CLI command, loaded only when run. Adding one: a file in this folder that
// exports `command: Command`, and a line here.
import type { Command } from "../command.js";

export const commands: Record<string, () => Promise<{ command: Command }>> = {
  dlq: () => import("./dlq.js"),
  replay: () => import("./replay.js"),
  retry: () => import("./retry.js"),
  status: () => import("./status.js"),
  events: () => import("./events.js"),
  event: () => import("./event.js"),
  routing: () => import("./routing.js"),
  keys: () => import("./keys.js"),
  users: () => import("./users.js"),
};
