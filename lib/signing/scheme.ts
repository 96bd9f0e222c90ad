// Signature schemes. A provider describes how its sender signs once — the algorithm,
// the encoding, which bytes are signed and where the signature and its inputs travel —
// and both `verify` and `sign` are derived from that description here, so the two can
// never disagree. Verification recomputes the signature through the same digest the
// signer uses and compares in constant time (as octokit's verify calls sign(), and
// standard-webhooks' verify recomputes through this.sign()).
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { secondsOutsideWindow, type Window } from "./timestamp.js";
import type { RejectReason, Verification, VerifyOptions, WebhookRequest } from "./verdict.js";

type Algorithm = "sha1" | "sha256";
type Bytes = Uint8Array | string;

/** The values a request carries beside its signature and body (a timestamp, an id, the URL). */
export interface Signed {
  /** Whole seconds since the epoch, checked against the scheme's window before the signature. */
  readonly timestamp?: string | null;
}

export type SchemeRead<F extends Signed> =
  { ok: true; fields: F; signatures: readonly string[] } | { ok: false; reason: RejectReason };

export interface Scheme<F extends Signed> {
  readonly algorithm: Algorithm;
  readonly encoding: "hex" | "base64";
  /** The replay window of `fields.timestamp`, for senders that sign a timestamp header. */
  readonly window?: Window;
  /** The HMAC key of one secret: the secret's own bytes unless the scheme says otherwise. */
  key?(secret: string): Bytes;
  /**
   * What a request carries: the signed fields and the encoded signatures (prefixes such as
   * `sha256=` removed; several while a secret rolls), or why it is refused. Decoding is
   * shared: an entry that is not exact hex or base64 is a malformed signature.
   */
  read(request: WebhookRequest): SchemeRead<F>;
  /** The signed bytes, in order; null when these fields cannot have been signed. */
  signedBytes(fields: F, body: Uint8Array): readonly Bytes[] | null;
  /** The headers a sender sets: the fields and the encoded signatures. */
  write(fields: F, signatures: readonly string[]): Record<string, string>;
  /** Other fields worth one more try when the first do not match (Twilio's port spelling). */
  otherwise?(fields: F): F;
  /** A check made once the signature holds (a time or a hash inside the signed bytes). */
  confirm?(request: WebhookRequest, fields: F): Verification;
}

const VERIFIED: Verification = { ok: true, verified: true };
const UNVERIFIED: Verification = { ok: true, verified: false };
const MALFORMED: Verification = { ok: false, reason: "malformed_signature" };
const BAD: Verification = { ok: false, reason: "bad_signature" };

/** A request's signature checked against every secret; a verdict, never an exception for bad input. */
export function verifyWith<F extends Signed>(
  scheme: Scheme<F>,
  request: WebhookRequest,
  { secrets, allowUnsigned = false }: VerifyOptions,
): Verification {
  const read = scheme.read(request);
  if (!read.ok) return allowUnsigned && read.reason === "missing_signature" ? UNVERIFIED : read;
  // Signed, but no secret to check it with (only possible with unsigned allowed): the
  // signature proves nothing here, so the event is as unverified as an unsigned one.
  if (secrets.length === 0 && allowUnsigned) return UNVERIFIED;
  if (scheme.window) {
    const stale = secondsOutsideWindow(read.fields.timestamp, request.receivedAt, scheme.window);
    if (stale) return { ok: false, reason: stale };
  }
  const candidates = decodeAll(read.signatures, scheme.encoding === "hex" ? decodeHex : decodeBase64);
  if (!candidates || candidates.length === 0) return MALFORMED;
  const valid =
    matches(scheme, secrets, candidates, read.fields, request.body) ||
    (scheme.otherwise !== undefined &&
      matches(scheme, secrets, candidates, scheme.otherwise(read.fields), request.body));
  if (!valid) return BAD;
  return scheme.confirm ? scheme.confirm(request, read.fields) : VERIFIED;
}

/** The headers that sign `body` with one secret, as the sender would send them. */
export function signWith<F extends Signed>(
  scheme: Scheme<F>,
  fields: F,
  body: Uint8Array,
  secret: string,
): Record<string, string> {
  return scheme.write(fields, [signature(scheme, fields, body, keyOf(scheme, secret))]);
}

/** One encoded signature under an HMAC key (the key itself, not a secret to derive it from). */
export function signature<F extends Signed>(scheme: Scheme<F>, fields: F, body: Uint8Array, key: Bytes): string {
  const parts = scheme.signedBytes(fields, body);
  if (parts === null) throw new Error("these fields cannot be signed");
  return digest(scheme.algorithm, key, parts).toString(scheme.encoding);
}

/** Where a raw-body scheme finds its signature, and how it writes it back. */
export interface RawBodySignature {
  encoding: "hex" | "base64";
  /** The header a sender sets. */
  header: string;
  /** Reads the header when the sender spells it more than one way (default: `header`). */
  find?: (headers: Headers) => string | null;
  /** Text before the signature (`sha256=`); a header without it carries no signature. */
  prefix?: string;
}

/**
 * The commonest scheme: an HMAC-SHA256 of the raw body alone, in one header (ClickUp,
 * GitHub, Shopify, Linear). A provider with a quirk adds it to the value this returns.
 */
export function rawBodyScheme({ encoding, header, find, prefix = "" }: RawBodySignature): Scheme<object> {
  return {
    algorithm: "sha256",
    encoding,
    read(request) {
      const value = find ? find(request.headers) : request.headers.get(header);
      if (!value) return { ok: false, reason: "missing_signature" };
      return { ok: true, fields: {}, signatures: value.startsWith(prefix) ? [value.slice(prefix.length)] : [] };
    },
    signedBytes: (_, body) => [body],
    write: (_, signatures) => ({ [header]: prefix + only(signatures) }),
  };
}

/** The one signature a single-signature header carries (a list is a scheme's own affair). */
export function only(signatures: readonly string[]): string {
  if (signatures.length !== 1) throw new Error(`this scheme carries one signature, not ${signatures.length}`);
  return signatures[0]!;
}

/** True when a candidate is the signature of these fields under any secret (the digest the signer makes). */
function matches<F extends Signed>(
  scheme: Scheme<F>,
  secrets: readonly string[],
  candidates: readonly Uint8Array[],
  fields: F,
  body: Uint8Array,
): boolean {
  const parts = scheme.signedBytes(fields, body);
  return (
    parts !== null && anyMatch(secrets, (secret) => digest(scheme.algorithm, keyOf(scheme, secret), parts), candidates)
  );
}

function keyOf<F extends Signed>(scheme: Scheme<F>, secret: string): Bytes {
  return scheme.key ? scheme.key(secret) : secret;
}

function digest(algorithm: Algorithm, key: Bytes, parts: readonly Bytes[]): Buffer {
  const mac = createHmac(algorithm, key);
  for (let i = 0; i < parts.length; i++) mac.update(parts[i]!);
  return mac.digest();
}

/** The bytes a scheme signs, as one buffer (for a signature that is not an HMAC: ed25519). */
export function signedContent<F extends Signed>(scheme: Scheme<F>, fields: F, body: Uint8Array): Buffer {
  const parts = scheme.signedBytes(fields, body);
  if (parts === null) throw new Error("these fields cannot be signed");
  return Buffer.concat(parts.map((part) => (typeof part === "string" ? Buffer.from(part, "utf8") : part)));
}

export function hmac(algorithm: Algorithm, key: Bytes, ...parts: Bytes[]): Buffer {
  return digest(algorithm, key, parts);
}

export function sha256Hex(data: Bytes): string {
  return createHash("sha256").update(data).digest("hex");
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Hex to bytes, or null when the text is not exactly hex. Buffer.from stops at the
 * first pair that is not hex, so the text is hex exactly when every character was
 * decoded (checked this way, not by a regex: this is on every request's path).
 */
export function decodeHex(text: string): Buffer | null {
  if (text.length === 0 || text.length % 2 !== 0) return null;
  const bytes = Buffer.from(text, "hex");
  return bytes.length * 2 === text.length ? bytes : null;
}

/** Canonical padded base64 to bytes, or null (Buffer.from would silently skip bad characters). */
export function decodeBase64(text: string): Buffer | null {
  return text.length > 0 && BASE64.test(text) ? Buffer.from(text, "base64") : null;
}

/** Constant-time equality; a length mismatch is a plain `false`, never an exception. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * True when any candidate signature equals the digest of any secret. Every secret's
 * digest is computed once, and every pair compared in constant time.
 */
export function anyMatch<S>(
  secrets: readonly S[],
  digest: (secret: S) => Uint8Array,
  candidates: readonly Uint8Array[],
): boolean {
  let matched = false;
  for (let s = 0; s < secrets.length; s++) {
    const expected = digest(secrets[s]!);
    for (let c = 0; c < candidates.length; c++) matched = sameBytes(expected, candidates[c]!) || matched;
  }
  return matched;
}

/**
 * Every candidate from a signature list that decodes; null when there were candidates
 * but none decoded (a malformed header), an empty list when there were none.
 */
function decodeAll(texts: readonly string[], decode: (text: string) => Buffer | null): Buffer[] | null {
  const decoded: Buffer[] = [];
  for (let i = 0; i < texts.length; i++) {
    const bytes = decode(texts[i]!);
    if (bytes !== null) decoded.push(bytes);
  }
  return decoded.length === 0 && texts.length > 0 ? null : decoded;
}
