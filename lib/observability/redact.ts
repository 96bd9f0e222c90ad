// What may leave hookgate in a log line, an error report or a rejection record:
// headers without credentials or signatures, text without emails or phone numbers,
// and never a configured secret.
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

/** Configured secrets out, then (unless `personal: false`) emails and phone numbers. */
export function redactText(text: string, secrets: readonly string[] = [], options: { personal?: boolean } = {}): string {
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
