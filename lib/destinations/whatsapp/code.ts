// One-time codes. A code is never stored: it is derived from a random challenge id (a
// fresh crypto.randomUUID per code) with a key the database does not hold, so the
// sender can recompute the very same code on every retry without it being kept anywhere,
// and the store keeps only an HMAC of it (salted by its challenge). Stolen rows do not
// give the code away: trying the million codes needs the key.
import { createHmac, timingSafeEqual } from "node:crypto";

/** A code is good for 10 minutes... */
export const CODE_TTL_MS = 10 * 60_000;
/** ...and 5 wrong tries, then it is void. */
export const MAX_WRONG_ATTEMPTS = 5;
/** New codes per number: at most one a minute and five an hour. */
export const CODES_PER_MINUTE = 1;
export const CODES_PER_HOUR = 5;

/** The key of codes and their hashes, derived from the Twilio auth token. */
export function codeKey(authToken: string): Buffer {
  return createHmac("sha256", authToken).update("hookgate whatsapp one-time codes v1").digest();
}

/** The 6-digit code of a challenge: 48 bits of HMAC, reduced (bias under 1e-8). */
export function codeFor(key: Buffer, challengeId: string): string {
  const digest = createHmac("sha256", key).update(`code:${challengeId}`).digest();
  return String(digest.readUIntBE(0, 6) % 1_000_000).padStart(6, "0");
}

/** What the store keeps of a code. */
export function codeHash(key: Buffer, challengeId: string, code: string): string {
  return createHmac("sha256", key).update(`hash:${challengeId}:${code}`).digest("hex");
}

/** Constant-time: does `candidate` hash to the stored value? */
export function codeMatches(key: Buffer, challenge: { challenge_id: string; code_hash: string }, candidate: string) {
  const expected = Buffer.from(challenge.code_hash, "hex");
  const actual = Buffer.from(codeHash(key, challenge.challenge_id, candidate), "hex");
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
