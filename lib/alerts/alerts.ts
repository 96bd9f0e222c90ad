// The one way anything in hookgate tells the team: `alert(kind, message)`. Each kind
// (and optional scope inside it, such as a destination) has a cooldown shared by every
// function instance through the KV, so an attack or a flapping breaker sends one
// message, not hundreds. Without Slack configured an alert is a log line only, and it
// claims no cooldown: configuring Slack later must not find the kind already "sent".
import type { Kv } from "../kv/port.js";
import { errorFields, log, type LogFields } from "../observability/log.js";
import { increment } from "../observability/counters.js";
import { formatAlert, type AlertMessage } from "./format.js";
import type { AlertChannel } from "./slack.js";

export type AlertOutcome =
  { sent: true } | { sent: false; reason: "cooldown" | "not_configured" | "rate_limited" | "failed" };

export interface AlertOptions {
  /** Narrows the cooldown inside the kind: one alert per scope (a destination) per cooldown. */
  scope?: string;
  /** This call's cooldown, instead of the kind's. */
  cooldownMs?: number;
  /** Extra fields for the alert's own log lines, such as the request id that raised it. */
  logFields?: LogFields;
}

export interface Alerts {
  alert(kind: string, message: AlertMessage, options?: AlertOptions): Promise<AlertOutcome>;
  /** True while an alert of this kind (and scope) would be suppressed: skip building it. */
  coolingDown(kind: string, scope?: string): Promise<boolean>;
}

export interface AlertsConfig {
  kv: Kv;
  /** Where messages go; undefined when Slack is not configured. */
  channel: AlertChannel | undefined;
  defaultCooldownMs: number;
  /** Cooldown by kind, over the default. */
  cooldowns?: Readonly<Record<string, number>>;
  now?: () => number;
}

export function createAlerts(config: AlertsConfig): Alerts {
  const now = config.now ?? Date.now;
  // Used only when the KV cannot be reached: this instance's own cooldowns.
  const local = new Map<string, number>();
  // Without a channel: when this instance last logged each alert, for its log line only.
  const notConfiguredUntil = new Map<string, number>();

  /** True when this call may send: it took the cooldown for every instance. */
  async function claim(key: string, cooldownMs: number): Promise<boolean> {
    if (cooldownMs <= 0) return true;
    try {
      return await config.kv.set(key, String(now()), { px: cooldownMs, nx: true });
    } catch (error) {
      log.warn("alert cooldown unavailable; using this instance's", { key, ...errorFields(error) });
      const until = local.get(key) ?? 0;
      if (until > now()) return false;
      local.set(key, now() + cooldownMs);
      return true;
    }
  }

  const keyOf = (kind: string, scope: string | undefined) => `hookgate:alert:${kind}${scope ? `:${scope}` : ""}`;

  return {
    async coolingDown(kind, scope) {
      const key = keyOf(kind, scope);
      if (!config.channel) return (notConfiguredUntil.get(key) ?? 0) > now();
      try {
        return (await config.kv.get(key)) !== null;
      } catch {
        return (local.get(key) ?? 0) > now();
      }
    },

    async alert(kind, message, options = {}) {
      const cooldownMs = options.cooldownMs ?? config.cooldowns?.[kind] ?? config.defaultCooldownMs;
      const key = keyOf(kind, options.scope);
      const fields = { ...options.logFields, kind, scope: options.scope, title: message.title };
      if (!config.channel) {
        // This instance's own cooldown keeps the log line from repeating per occurrence;
        // nothing shared is claimed, so an instance with Slack configured still sends.
        if ((notConfiguredUntil.get(key) ?? 0) > now()) return { sent: false, reason: "not_configured" };
        if (notConfiguredUntil.size >= 1000) notConfiguredUntil.clear();
        notConfiguredUntil.set(key, now() + cooldownMs);
        log.warn("alert", { ...fields, ...message.fields, delivered: false, why: "SLACK_BOT_TOKEN is not set" });
        return { sent: false, reason: "not_configured" };
      }
      if (!(await claim(key, cooldownMs))) {
        log.info("alert suppressed by cooldown", fields);
        return { sent: false, reason: "cooldown" };
      }
      try {
        await config.channel.post(formatAlert(kind, message));
        increment("hookgate_alerts_sent_total", { kind });
        log.warn("alert", { ...fields, delivered: true });
        return { sent: true };
      } catch (error) {
        // Give the cooldown back, so the next occurrence tries again.
        await config.kv.del(key).catch(() => {});
        const rateLimited = (error as { code?: string }).code === "slack_webapi_rate_limited_error";
        increment("hookgate_alerts_failed_total", { kind });
        log.error("alert not delivered", { ...fields, ...errorFields(error) });
        return { sent: false, reason: rateLimited ? "rate_limited" : "failed" };
      }
    },
  };
}
