// The alerts of a deployment, from its config: Slack when SLACK_BOT_TOKEN and
// ALERT_CHANNEL_ID are set (or the channel given), the cooldowns from the environment.
// Built once by the app (lib/app.ts); everything that alerts is handed the result.
import type { Env } from "../config/env.js";
import type { Kv } from "../kv/port.js";
import { createAlerts, type Alerts } from "./alerts.js";
import { slackChannel, type AlertChannel } from "./slack.js";

export type { AlertMessage } from "./format.js";
export type { AlertOutcome, Alerts } from "./alerts.js";
export type { AlertChannel } from "./slack.js";

/** Slack as configured, or undefined (alerts are log lines then). */
export function configuredChannel(env: Env): AlertChannel | undefined {
  return env.SLACK_BOT_TOKEN && env.ALERT_CHANNEL_ID
    ? slackChannel({ token: env.SLACK_BOT_TOKEN, channel: env.ALERT_CHANNEL_ID, apiUrl: env.SLACK_API_URL })
    : undefined;
}

export function configuredAlerts(parts: {
  env: Env;
  kv: Kv;
  /** Default: Slack as configured. */
  channel?: AlertChannel;
  now?: () => number;
}): Alerts {
  const { env } = parts;
  return createAlerts({
    kv: parts.kv,
    channel: parts.channel ?? configuredChannel(env),
    defaultCooldownMs: env.ALERT_COOLDOWN_SECONDS * 1000,
    cooldowns: { signature_failures: env.SECURITY_ALERT_COOLDOWN_SECONDS * 1000 },
    now: parts.now,
  });
}
