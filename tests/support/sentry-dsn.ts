// A real HTTP server acting as a Sentry project's ingest endpoint: the SDK posts
// envelopes to /api/<project>/envelope/ and this keeps them, decoded, for assertions.
// https://develop.sentry.dev/sdk/data-model/envelopes/
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync } from "node:zlib";

export interface SentryEnvelope {
  /** The whole envelope as text: what a privacy assertion should search. */
  raw: string;
  items: { type: string; payload: unknown }[];
}

export interface SentryDsnServer {
  /** A DSN pointing here: http://<key>@127.0.0.1:<port>/1 */
  dsn: string;
  readonly envelopes: SentryEnvelope[];
  /** The error events among all envelopes. */
  events(): Record<string, unknown>[];
  close(): Promise<void>;
}

export async function startSentryDsn(): Promise<SentryDsnServer> {
  const envelopes: SentryEnvelope[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      let body = Buffer.concat(chunks);
      if (req.headers["content-encoding"] === "gzip") body = gunzipSync(body);
      const raw = body.toString("utf8");
      const lines = raw.split("\n");
      const items: SentryEnvelope["items"] = [];
      // Line 0 is the envelope header; then item header / payload pairs.
      for (let i = 1; i + 1 < lines.length; i += 2) {
        const header = JSON.parse(lines[i]!) as { type: string };
        let payload: unknown = lines[i + 1];
        try {
          payload = JSON.parse(lines[i + 1]!);
        } catch {
          // attachments are not JSON
        }
        items.push({ type: header.type, payload });
      }
      envelopes.push({ raw, items });
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ id: "0" }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    dsn: `http://public0key@127.0.0.1:${port}/1`,
    envelopes,
    events: () =>
      envelopes.flatMap((e) =>
        e.items.filter((i) => i.type === "event").map((i) => i.payload as Record<string, unknown>),
      ),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
