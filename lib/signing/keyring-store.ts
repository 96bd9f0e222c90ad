// The keyring of keys kept in the store, private halves encrypted at rest with
// HOOKGATE_KEY_ENCRYPTION_KEY: the one whose keys are made, rotated, retired and revoked
// through the admin API and `npx hookgate keys`.
//
// Why a cache, and why this one: a forward must not pay a database round trip per
// attempt for its key, so the current key is kept for CURRENT_KEY_TTL_MS. A change made
// through this keyring (create, rotate, retire, revoke) drops it at once, so in one
// instance the next forward after a rotation signs with the new key; another instance
// (another Vercel function) picks the change up within the TTL. Until then it still
// signs with the key just retired, which stays published for the grace period: no
// receiver fails on it. (A revoked key can sign for up to the TTL elsewhere; a receiver
// that refuses it answers non-2xx and the retry is signed with the new key.)
// The JWKS itself is read fresh on every request: a revoked key leaves it at once.
import { ConfigError } from "../config/error.js";
import type { SigningKeyRow } from "../store/signing-keys.js";
import { generateEd25519, privateKeyObject, type Ed25519PublicJwk } from "./ed25519.js";
import { decryptPrivateKey, encryptionKey, encryptPrivateKey } from "./key-encryption.js";
import {
  DAY_SECONDS,
  healthOf,
  isPublished,
  JWKS_MAX_AGE_SECONDS,
  KeyringRefusal,
  published,
  viewOf,
  type CurrentKey,
  type Keyring,
  type KeyringOptions,
  type SigningKeyView,
} from "./keyring.js";

/** How long an instance signs with the current key it read before reading it again. */
export const CURRENT_KEY_TTL_MS = 15_000;

export function storeKeyring({ env, store, clock = Date.now }: KeyringOptions): Keyring {
  const graceSeconds = env.HOOKGATE_SIGNING_KEY_GRACE_DAYS * DAY_SECONDS;
  const sealing = env.HOOKGATE_KEY_ENCRYPTION_KEY ? encryptionKey(env.HOOKGATE_KEY_ENCRYPTION_KEY) : null;
  const needSealing = (what: string): Buffer => {
    if (!sealing)
      throw new ConfigError(
        `HOOKGATE_KEY_ENCRYPTION_KEY is not set: it encrypts the private signing keys at rest, so ${what} needs it (32 random bytes in base64: openssl rand -base64 32)`,
      );
    return sealing;
  };
  let cached: { value: CurrentKey | null; until: number } | undefined;
  let reading: Promise<CurrentKey | null> | undefined;
  const now = () => new Date(clock());
  const view = (row: SigningKeyRow): SigningKeyView =>
    viewOf(row, isPublished(row, clock(), graceSeconds), graceSeconds);
  const changed = () => {
    cached = undefined;
    reading = undefined;
  };

  const readCurrent = async (): Promise<CurrentKey | null> => {
    const row = (await store.list()).find((k) => k.state === "current");
    if (!row) return null;
    const d = decryptPrivateKey(needSealing(`signing with key ${row.kid}`), row.kid, row.private_key);
    return { kid: row.kid, key: privateKeyObject(row.public_jwk as Ed25519PublicJwk, d) };
  };

  const keyring: Keyring = {
    source: "store",
    async current() {
      if (cached && cached.until > clock()) return cached.value;
      if (reading) return reading;
      // A read that a change overtook (changed() dropped it) answers its own callers but
      // is not cached: it may hold the key just rotated away or revoked.
      const read: Promise<CurrentKey | null> = readCurrent().then(
        (value) => {
          if (reading === read) {
            cached = { value, until: clock() + CURRENT_KEY_TTL_MS };
            reading = undefined;
          }
          return value;
        },
        (error: unknown) => {
          if (reading === read) reading = undefined;
          throw error;
        },
      );
      reading = read;
      return read;
    },
    async jwks() {
      const rows = await store.list();
      return { keys: rows.filter((k) => isPublished(k, clock(), graceSeconds)).map(published) };
    },
    async list() {
      return (await store.list()).map(view);
    },
    async create() {
      const key = needSealing("creating a key");
      const pair = generateEd25519();
      const added = await store.add(
        {
          kid: pair.kid,
          publicJwk: pair.publicJwk,
          encryptedPrivateKey: encryptPrivateKey(key, pair.kid, pair.privateKey),
        },
        now(),
      );
      if (!added.ok)
        throw new KeyringRefusal(
          "refused",
          `key ${added.kid} is already next (published, waiting to sign): rotate to it, or retire it, before creating another`,
        );
      changed();
      const message =
        added.key.state === "current"
          ? `key ${added.key.kid} created; it is current (the first key) and signs from now`
          : `key ${added.key.kid} created as next: published now, it signs after \`keys rotate\` (allowed once it has been published ${JWKS_MAX_AGE_SECONDS / 60} minutes, the JWKS cache age)`;
      return { key: view(added.key), message };
    },
    async rotate({ force = false } = {}) {
      const rotated = await store.rotate(force ? 0 : JWKS_MAX_AGE_SECONDS, now());
      if (!rotated.ok) {
        if (rotated.reason === "no_next")
          throw new KeyringRefusal("refused", "no next key to rotate to: `keys create` publishes one first");
        throw new KeyringRefusal(
          "refused",
          `key ${rotated.kid} was published less than ${JWKS_MAX_AGE_SECONDS / 60} minutes ago, so receivers may not have it yet: rotate after ${rotated.ready_at} (or --force, after a compromise)`,
        );
      }
      changed();
      const retired = rotated.retired
        ? `; ${rotated.retired} is retired and stays published for ${env.HOOKGATE_SIGNING_KEY_GRACE_DAYS} days`
        : "";
      return { ...rotated, message: `key ${rotated.current} is current and signs from now${retired}` };
    },
    retire: (kid) => setState(kid, "retired"),
    revoke: (kid) => setState(kid, "revoked"),
    async health(keyNeeded) {
      return healthOf("store", await keyring.list(), clock(), env.HOOKGATE_SIGNING_KEY_ROTATION_DAYS, keyNeeded);
    },
  };

  async function setState(kid: string, state: "retired" | "revoked") {
    const set = await store.setState(kid, state, now());
    if (!set.ok) {
      if (set.reason === "not_found") throw new KeyringRefusal("not_found", `no signing key ${kid}`);
      throw new KeyringRefusal("refused", `key ${kid} is ${set.reason.slice("already_".length)} already`);
    }
    changed();
    const signer = set.previous_state === "current" ? "; no key signs now until another is current" : "";
    const message =
      state === "revoked"
        ? `key ${kid} is revoked: it left the JWKS${signer}`
        : `key ${kid} is retired: it no longer signs and stays published for ${env.HOOKGATE_SIGNING_KEY_GRACE_DAYS} days${signer}`;
    return { key: view(set.key), message };
  }
  return keyring;
}
