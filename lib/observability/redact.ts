// What may leave hookgate in a log line, an error report, a rejection record or the
// delivery log: headers without credentials or signatures, text without emails, phone
// numbers or tokens, and never a configured secret.
import type { Config } from "../config/env.js";

/** Header names that carry a credential or a signature (stripe-signature, x-hub-signature-256, x-shopify-hmac-sha256, ...). */
const SECRET_HEADER = /sig|hmac|auth|token|secret|key|cookie|password|session|credential/i;

const MAX_HEADERS = 50;
const MAX_HEADER_VALUE = 512;

export function isSecretHeader(name: string): boolean {
  return SECRET_HEADER.test(name);
}

/** Headers safe to keep: credential and signature headers dropped, values cut to 512 characters. */
export function safeHeaders(headers: Headers): Record<string, string> {
  const kept: Record<string, string> = {};
  let count = 0;
  for (const [name, value] of headers) {
    if (isSecretHeader(name)) continue;
    if (++count > MAX_HEADERS) break;
    kept[name] = value.slice(0, MAX_HEADER_VALUE);
  }
  return kept;
}

const EMAIL = /[A-Z0-9._%+-]+@[A-Z0-9.-]+\.[A-Z]{2,}/gi;
// 8 to 15 digits, optionally led by + and split by spaces, dots, dashes or brackets:
// E.164 and the usual national forms. Errs toward redacting long numbers.
const PHONE = /(?<![\w.])\+?\(?\d(?:[\s().-]{0,2}\d){7,14}(?![\w])/g;

/** A dotted quad looks like a phone number to PHONE; an address is not personal data here (it is the client IP). */
const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;
// Credentials as values: a long run of base64/base64url/token characters with a digit
// and a letter in it (API keys, JWT parts, ghp_..., sk_live_...), a long hex run (16+:
// digests, session ids, card-length numbers), and the value after a credential name.
const TOKEN_RUN = /[A-Za-z0-9+/_-]{24,}={0,2}/g;
const HEX_RUN = /(?<![A-Za-z0-9])[0-9a-f]{16,}(?![A-Za-z0-9])/gi;
const NAMED_CREDENTIAL =
  /\b(pass(?:word)?|secret|token|api[_-]?key|access[_-]?key|auth)(["']?\s*[:=]\s*["']?)[^\s"'&,;}]+/gi;
const BEARER = /\b(bearer|basic)\s+[^\s"',;]+/gi;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Emails, phone numbers and tokens masked, for text kept in a table (a rejected body's
 * prefix, a receiver's answer). Errs toward masking: these are kept for diagnosis, and
 * a masked id costs less than a kept phone number. UUIDs and IPv4 addresses stay.
 */
export function redactPersonal(text: string): string {
  return text
    .replace(NAMED_CREDENTIAL, (_, name: string, sep: string) => `${name}${sep}[token]`)
    .replace(BEARER, (_, scheme: string) => `${scheme} [token]`)
    .replace(EMAIL, "[email]")
    .replace(PHONE, (match) => (IPV4.test(match) ? match : "[phone]"))
    .replace(TOKEN_RUN, (match) =>
      UUID.test(match) || !/\d/.test(match) || !/[A-Za-z]/.test(match) ? match : "[token]",
    )
    .replace(HEX_RUN, "[hex]");
}

/** The most of a receiver's answer the delivery log keeps. */
export const EXCERPT_CHARS = 256;

/** A short, redacted excerpt of a receiver's answer for the delivery log (null when there is none). */
export function answerExcerpt(text: string | null | undefined, max: number = EXCERPT_CHARS): string | null {
  if (!text) return null;
  // Cut generously first (the regexes then run on a bounded text), mask, then cut to size.
  const masked = redactPersonal(text.slice(0, max * 4));
  return masked.length > max ? `${masked.slice(0, max - 1)}…` : masked;
}

/** Configured secrets out, then (unless `personal: false`) emails and phone numbers. */
export function redactText(
  text: string,
  secrets: readonly string[] = [],
  options: { personal?: boolean } = {},
): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join("[secret]");
  return options.personal === false ? out : out.replace(EMAIL, "[email]").replace(PHONE, "[phone]");
}

/** Every configured value that must never appear outside the process. */
export function secretValues(config: Config): string[] {
  const values = new Set<string>();
  for (const list of Object.values(config.secrets)) for (const s of list) values.add(s);
  for (const [name, value] of Object.entries(config.env)) {
    if (typeof value !== "string" || !/SECRET|TOKEN|KEY|PASSWORD|DSN/.test(name)) continue;
    values.add(value);
  }
  for (const url of [config.env.DATABASE_URL, config.env.REDIS_URL]) {
    const password = url ? safeUrl(url)?.password : undefined;
    if (password) values.add(decodeURIComponent(password));
  }
  return [...values].filter((v) => v.length >= 4);
}

function safeUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}
