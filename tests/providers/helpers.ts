// Shared by the provider tests: a WebhookRequest as the pipeline would hand it over,
// and the small ways of breaking a signed one (a body byte, a header, a signature).
import { execFileSync } from "node:child_process";
import type { Provider, Verification, WebhookRequest } from "../../lib/providers/types.js";

export const encode = (text: string): Uint8Array => new TextEncoder().encode(text);

export interface RequestParts {
  body: string | Uint8Array;
  headers: Record<string, string> | Headers;
  url?: string;
  receivedAt?: Date;
}

export function webhookRequest(provider: Provider, parts: RequestParts): WebhookRequest {
  return {
    body: typeof parts.body === "string" ? encode(parts.body) : parts.body,
    headers: new Headers(parts.headers),
    url: parts.url ?? `https://hooks.example.com/api/webhooks/${provider.name}`,
    receivedAt: parts.receivedAt ?? new Date(),
  };
}

export function verify(provider: Provider, secrets: string[], parts: RequestParts): Verification {
  return provider.verify(webhookRequest(provider, parts), { secrets });
}

/** The same bytes with one bit of one byte flipped. */
export function flipByte(body: string | Uint8Array, index = 2): Uint8Array {
  const copy = Uint8Array.from(typeof body === "string" ? encode(body) : body);
  copy[index] = copy[index]! ^ 0x01;
  return copy;
}

/** The headers with one replaced (a value) or removed (null). */
export function withHeader(
  headers: Record<string, string>,
  name: string,
  value: string | null,
): Record<string, string> {
  const copy = { ...headers };
  for (const key of Object.keys(copy)) if (key.toLowerCase() === name.toLowerCase()) delete copy[key];
  if (value !== null) copy[name] = value;
  return copy;
}

export const accepted: Verification = { ok: true, verified: true };
export const rejected = (reason: string) => ({ ok: false, reason });

/** A date `seconds` away from `from` (negative: earlier). */
export const shifted = (from: Date, seconds: number): Date => new Date(from.getTime() + seconds * 1000);

/** A second implementation to check a signer against: `openssl dgst -hmac`. */
export function opensslHmac(key: string, data: string | Uint8Array, encoding: "hex" | "base64"): string {
  const digest = execFileSync("openssl", ["dgst", "-sha256", "-hmac", key, "-binary"], { input: data });
  return digest.toString(encoding);
}
