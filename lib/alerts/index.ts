// The gateway's alerts: `(await alertsFor(gateway)).alert("dead_letter", {...}, { scope })`.
// Built once per gateway from its config and KV; tests install their own (a clock, a
// local Slack).
import type { Gateway } from "../gateway.js";
import { createAlerts, type Alerts } from "./alerts.js";
import { slackChannel } from "./slack.js";

export type { AlertMessage, Severity } from "./format.js";
export type { AlertOptions, AlertOutcome, Alerts } from "./alerts.js";
export { createAlerts } from "./alerts.js";

const byGateway = new WeakMap<Gateway, Alerts>();

export function alertsFor(gateway: Gateway): Alerts {
  let alerts = byGateway.get(gateway);
  if (!alerts) byGateway.set(gateway, (alerts = alertsFromConfig(gateway)));
  return alerts;
}

/** Makes `alerts` the ones this gateway uses (tests: an injected clock, a local Slack). */
export function useAlerts(gateway: Gateway, alerts: Alerts): void {
  byGateway.set(gateway, alerts);
}

export function alertsFromConfig(gateway: Gateway, now?: () => number): Alerts {
  const env = gateway.config.env;
  return createAlerts({
    kv: gateway.kv,
    channel:
      env.SLACK_BOT_TOKEN && env.ALERT_CHANNEL_ID
        ? slackChannel({ token: env.SLACK_BOT_TOKEN, channel: env.ALERT_CHANNEL_ID, apiUrl: env.SLACK_API_URL })
        : undefined,
    defaultCooldownMs: env.ALERT_COOLDOWN_SECONDS * 1000,
    cooldowns: { signature_failures: env.SECURITY_ALERT_COOLDOWN_SECONDS * 1000 },
    now,
  });
}
