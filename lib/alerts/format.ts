// How every hookgate alert reads in Slack: a bold title, then one line per field.
// Shared by security alerts, the delivery engine (dead letters, breaker) and reports.
import type { PostedMessage } from "./slack.js";

export type Severity = "info" | "warning" | "critical";

export interface AlertMessage {
  /** One line that says what happened: "23 signature failures in 5 minutes". */
  title: string;
  severity?: Severity;
  /** Label → value, shown in order. Never pass secrets, signatures or bodies. */
  fields?: Readonly<Record<string, string | number>>;
}

const MARK: Record<Severity, string> = {
  info: ":information_source:",
  warning: ":warning:",
  critical: ":rotating_light:",
};

/** Slack mrkdwn treats &, < and > as control characters. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

export function formatAlert(kind: string, message: AlertMessage): PostedMessage {
  const severity = message.severity ?? "warning";
  const title = `${MARK[severity]} *hookgate: ${escapeMrkdwn(message.title)}*`;
  const lines = Object.entries(message.fields ?? {}).map(
    ([label, value]) => `• *${escapeMrkdwn(label)}:* ${escapeMrkdwn(String(value))}`,
  );
  const body = [title, ...lines, `_${escapeMrkdwn(kind)}_`].join("\n");
  return {
    // The plain text is what notifications and screen readers show.
    text: `hookgate: ${message.title}`,
    blocks: [{ type: "section", text: { type: "mrkdwn", text: body.slice(0, 3000) } }],
  };
}
