// A real HTTP server speaking Slack's Web API for chat.postMessage, for the real
// @slack/web-api client (pointed here with its slackApiUrl option). It records every
// message and can answer 429 to show that rate-limited calls are rejected, not slept on.
// https://api.slack.com/methods/chat.postMessage
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface SlackMessage {
  channel: string;
  text: string;
  blocks: unknown[] | undefined;
  /** Everything the client sent, as received (form fields). */
  raw: string;
}

export interface SlackApiServer {
  /** The slackApiUrl: `http://127.0.0.1:<port>/api/`. */
  url: string;
  token: string;
  readonly messages: SlackMessage[];
  /** Calls received, including refused ones. */
  readonly calls: number;
  /** While set, every call is answered 429 with this Retry-After (seconds). */
  rateLimitFor: number | undefined;
  close(): Promise<void>;
}

export async function startSlackApi(token = "xoxb-test-token"): Promise<SlackApiServer> {
  const messages: SlackMessage[] = [];
  let calls = 0;
  const state: { rateLimitFor: number | undefined } = { rateLimitFor: undefined };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      calls += 1;
      const raw = Buffer.concat(chunks).toString("utf8");
      const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { "content-type": "application/json", ...headers });
        res.end(JSON.stringify(body));
      };
      if (state.rateLimitFor !== undefined) {
        return json(429, { ok: false, error: "ratelimited" }, { "retry-after": String(state.rateLimitFor) });
      }
      if (req.headers.authorization !== `Bearer ${token}`) return json(200, { ok: false, error: "invalid_auth" });
      if (req.url !== "/api/chat.postMessage") return json(200, { ok: false, error: "unknown_method" });
      const form = req.headers["content-type"]?.includes("json")
        ? (JSON.parse(raw) as Record<string, unknown>)
        : Object.fromEntries(new URLSearchParams(raw));
      const blocks =
        typeof form.blocks === "string"
          ? (JSON.parse(form.blocks) as unknown[])
          : (form.blocks as unknown[] | undefined);
      if (!form.channel) return json(200, { ok: false, error: "channel_not_found" });
      messages.push({ channel: String(form.channel), text: String(form.text ?? ""), blocks, raw });
      json(200, { ok: true, channel: form.channel, ts: `${Date.now() / 1000}`, message: { text: form.text } });
    });
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/`,
    token,
    messages,
    get calls() {
      return calls;
    },
    get rateLimitFor() {
      return state.rateLimitFor;
    },
    set rateLimitFor(seconds) {
      state.rateLimitFor = seconds;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
