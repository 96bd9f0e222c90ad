// Builds the request a provider would send: signed with the provider's own scheme,
// so each test can break exactly one thing (a header, a byte, the secret, the clock).
import { readFileSync } from "node:fs";
import type { Provider } from "../../lib/providers/types.js";

export const TEST_URL_BASE = "https://hooks.example.com";

export interface SignedRequestOptions {
  secret: string;
  body: string | Uint8Array;
  /** Applied after signing: a value replaces, null removes. */
  headers?: Record<string, string | null>;
  url?: string;
  now?: Date;
  id?: string;
  method?: string;
}

export function signedRequest(provider: Provider, options: SignedRequestOptions): Request {
  const body = typeof options.body === "string" ? new TextEncoder().encode(options.body) : options.body;
  const url = options.url ?? `${TEST_URL_BASE}/api/webhooks/${provider.name}`;
  const headers = new Headers(
    provider.sign({ body, secret: options.secret, url, now: options.now ?? new Date(), id: options.id }),
  );
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    if (value === null) headers.delete(name);
    else headers.set(name, value);
  }
  const method = options.method ?? "POST";
  const hasBody = method !== "GET" && method !== "HEAD";
  return new Request(url, { method, headers, body: hasBody ? (body as BodyInit) : undefined });
}

export function sample(provider: string, name: string): string {
  return readFileSync(new URL(`../../samples/${provider}/${name}`, import.meta.url), "utf8");
}
