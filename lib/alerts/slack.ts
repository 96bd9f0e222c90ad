// Slack as an alert channel: chat.postMessage with a bot token. Set for serverless:
// a short timeout, at most 2 retries, and a rate-limited call is rejected rather than
// slept on (sleeping would hold the function open for up to a minute).
// https://api.slack.com/methods/chat.postMessage
import type { Logger, WebClient } from "@slack/web-api";
import { log } from "../observability/log.js";

export interface SlackTarget {
  token: string;
  channel: string;
  /** Another API base (a proxy, GovSlack, tests); Slack's own when unset. */
  apiUrl?: string;
}

export interface PostedMessage {
  text: string;
  blocks?: unknown[];
}

export interface AlertChannel {
  post(message: PostedMessage): Promise<void>;
}

const TIMEOUT_MS = 3_000;

export function slackChannel(target: SlackTarget): AlertChannel {
  let client: Promise<WebClient> | undefined;
  // Loaded on the first alert, which always runs after an answer: never at cold start.
  const open = async () => {
    const { WebClient, LogLevel } = await import("@slack/web-api");
    return new WebClient(target.token, {
      slackApiUrl: target.apiUrl ? target.apiUrl.replace(/\/*$/, "/") : undefined,
      timeout: TIMEOUT_MS,
      retryConfig: { retries: 2, factor: 2, minTimeout: 100, maxTimeout: 1_000, randomize: true },
      rejectRateLimitedCalls: true,
      logger: quietLogger(LogLevel.WARN),
      logLevel: LogLevel.WARN,
    });
  };
  return {
    async post(message) {
      client ??= open().catch((error: unknown) => {
        client = undefined;
        throw error;
      });
      await (
        await client
      ).chat.postMessage({
        channel: target.channel,
        text: message.text,
        ...(message.blocks ? { blocks: message.blocks as never } : {}),
        unfurl_links: false,
        unfurl_media: false,
      });
    },
  };
}

/** The client's own log lines, as structured lines of ours (they never carry the token). */
function quietLogger(level: Parameters<Logger["setLevel"]>[0]): Logger {
  let current = level;
  const line =
    (write: (msg: string, fields?: Record<string, unknown>) => void) =>
    (...parts: unknown[]) =>
      write("slack client", { detail: parts.map(String).join(" ").slice(0, 300) });
  return {
    debug: () => {},
    info: () => {},
    warn: line(log.warn),
    error: line(log.error),
    setLevel: (l) => {
      current = l;
    },
    getLevel: () => current,
    setName: () => {},
  };
}
