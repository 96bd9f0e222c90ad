// The signing keys of this deployment: where they come from (the store, encrypted at
// rest, or HOOKGATE_SIGNING_KEYS for a stateless setup), which one signs, which are
// published in the JWKS, and their rotation. One keyring per app (lib/app.ts); the
// admin API, the CLI, the JWKS route, /api/ready and every asymmetric forward use it.
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
import type { KeyObject } from "node:crypto";
import { ConfigError } from "../config/error.js";
import type { Env } from "../config/env.js";
import type { SigningKeyRow, SigningKeysStore, SigningKeyState } from "../store/signing-keys.js";
import { generateEd25519, pairMatches, privateKeyObject, thumbprint, whpk, type Ed25519PublicJwk } from "./ed25519.js";
import { decryptPrivateKey, encryptionKey, encryptPrivateKey } from "./key-encryption.js";

/** How long an instance signs with the current key it read before reading it again. */
export const CURRENT_KEY_TTL_MS = 15_000;
/**
 * The JWKS's Cache-Control max-age, in seconds: a receiver's copy is at most this old.
 * A next key must have been published this long before it may sign (rotate enforces it).
 */
export const JWKS_MAX_AGE_SECONDS = 300;
const DAY_SECONDS = 86_400;

/** A key as the admin API and `npx hookgate keys list` show it (never its private half). */
export interface SigningKeyView {
  kid: string;
  state: SigningKeyState;
  /** In the JWKS now (next, current, or retired within the grace period). */
  published: boolean;
  public_jwk: Ed25519PublicJwk;
  /** The spec's serialisation (`whpk_…`), for a receiver that takes a key rather than a JWKS. */
  whpk: string;
  created_at: string | null;
  activated_at: string | null;
  retired_at: string | null;
  revoked_at: string | null;
  /** When a retired key leaves the JWKS. */
  unpublished_at: string | null;
}

/** One key of the JWKS (RFC 7517), as receivers' libraries import it. */
export interface PublishedJwk extends Ed25519PublicJwk {
  kid: string;
  use: "sig";
  alg: "EdDSA";
}

export interface CurrentKey {
  kid: string;
  key: KeyObject;
}

export interface SigningKeysHealth {
  source: "store" | "env";
  published: number;
  current: { kid: string; age_days: number } | null;
  rotation_days: number;
  warning?: string;
}

/** A change that could not be made, in words an operator acts on (the API answers it 400/404). */
export class KeyringRefusal extends Error {
  override name = "KeyringRefusal";
  constructor(
    readonly reason: "not_found" | "refused",
    message: string,
  ) {
    super(message);
  }
}

export interface Keyring {
  readonly source: "store" | "env";
  /** The key that signs now, or null when there is none; cached (see above). */
  current(): Promise<CurrentKey | null>;
  /** The published public keys, read fresh. */
  jwks(): Promise<{ keys: PublishedJwk[] }>;
  list(): Promise<SigningKeyView[]>;
  create(): Promise<{ key: SigningKeyView; message: string }>;
  rotate(options?: { force?: boolean }): Promise<{ current: string; retired: string | null; message: string }>;
  retire(kid: string): Promise<{ key: SigningKeyView; message: string }>;
  revoke(kid: string): Promise<{ key: SigningKeyView; message: string }>;
  health(): Promise<SigningKeysHealth>;
}

export type KeyringEnv = Pick<
  Env,
  | "HOOKGATE_SIGNING_KEYS"
  | "HOOKGATE_KEY_ENCRYPTION_KEY"
  | "HOOKGATE_SIGNING_KEY_GRACE_DAYS"
  | "HOOKGATE_SIGNING_KEY_ROTATION_DAYS"
>;

export interface KeyringOptions {
  env: KeyringEnv;
  store: SigningKeysStore;
  /** ms since the epoch (tests move it by hand). */
  clock?: () => number;
}

/** Published now? Next and current keys are; a retired one for the grace period; a revoked one never. */
export function isPublished(
  key: Pick<SigningKeyRow, "state" | "retired_at">,
  nowMs: number,
  graceSeconds: number,
): boolean {
  if (key.state === "next" || key.state === "current") return true;
  if (key.state === "revoked" || key.retired_at === null) return false;
  return Date.parse(key.retired_at) + graceSeconds * 1000 > nowMs;
}

export function signingKeyring(options: KeyringOptions): Keyring {
  const listed = options.env.HOOKGATE_SIGNING_KEYS;
  return listed ? envKeyring(listed, options) : storeKeyring(options);
}

function storeKeyring({ env, store, clock = Date.now }: KeyringOptions): Keyring {
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
  const view = (row: SigningKeyRow): SigningKeyView => viewOf(row, clock(), graceSeconds);
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
      reading ??= readCurrent().then(
        (value) => {
          cached = { value, until: clock() + CURRENT_KEY_TTL_MS };
          reading = undefined;
          return value;
        },
        (error: unknown) => {
          reading = undefined;
          throw error;
        },
      );
      return reading;
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
    async health() {
      return healthOf("store", await keyring.list(), clock(), env.HOOKGATE_SIGNING_KEY_ROTATION_DAYS);
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

/**
 * Stateless keys: HOOKGATE_SIGNING_KEYS lists private JWKs. Every listed key is
 * published; the one whose `state` is `current` signs (without states: the first), and
 * the list is changed by redeploying (README, "Signing keys", the stateless procedure).
 */
function envKeyring(listed: NonNullable<KeyringEnv["HOOKGATE_SIGNING_KEYS"]>, { env }: KeyringOptions): Keyring {
  const keys = listed.map((jwk, i) => {
    const kid = jwk.kid ?? thumbprint(jwk);
    if (!pairMatches({ ...jwk, kid }))
      throw new ConfigError(`HOOKGATE_SIGNING_KEYS: key ${i + 1} (${kid}): d is not the private key of x`);
    return { ...jwk, kid };
  });
  const explicit = keys.filter((k) => k.state === "current");
  if (explicit.length > 1) throw new ConfigError("HOOKGATE_SIGNING_KEYS: at most one key may be current");
  const signer = explicit[0] ?? keys.find((k) => k.state === undefined);
  const stateOf = (k: (typeof keys)[number]): SigningKeyState =>
    k === signer ? "current" : (k.state ?? "retired") === "current" ? "retired" : (k.state ?? "retired");
  const current: CurrentKey | null = signer
    ? { kid: signer.kid, key: privateKeyObject(signer, Buffer.from(signer.d, "base64url")) }
    : null;
  const rows: KeyRow[] = keys.map((k) => ({
    kid: k.kid,
    state: stateOf(k),
    public_jwk: { kty: k.kty, crv: k.crv, x: k.x },
    // The list says nothing of when a key was made: no age, so no rotation warning.
    created_at: null,
    activated_at: null,
    retired_at: null,
    revoked_at: null,
  }));
  // Every listed key is published: the list is the key set.
  const views = rows.map((row) => ({ ...viewOf(row, 0, 0), published: true }));
  const stateless = async (): Promise<never> => {
    throw new KeyringRefusal(
      "refused",
      "the signing keys come from HOOKGATE_SIGNING_KEYS: change that list and redeploy (README, Signing keys)",
    );
  };
  return {
    source: "env",
    current: async () => current,
    jwks: async () => ({ keys: rows.map(published) }),
    list: async () => views,
    create: stateless,
    rotate: stateless,
    retire: stateless,
    revoke: stateless,
    health: async () => healthOf("env", views, Date.now(), env.HOOKGATE_SIGNING_KEY_ROTATION_DAYS),
  };
}

function published(row: Pick<SigningKeyRow, "kid" | "public_jwk">): PublishedJwk {
  const { kty, crv, x } = row.public_jwk as Ed25519PublicJwk;
  return { kty, crv, x, kid: row.kid, use: "sig", alg: "EdDSA" };
}

/** A stored key, or a listed one (which has no creation time). */
type KeyRow = Omit<SigningKeyRow, "created_at"> & { created_at: string | null };

function viewOf(row: KeyRow, nowMs: number, graceSeconds: number): SigningKeyView {
  const publicJwk = row.public_jwk as Ed25519PublicJwk;
  const unpublished =
    row.state === "retired" && row.retired_at
      ? new Date(Date.parse(row.retired_at) + graceSeconds * 1000).toISOString()
      : null;
  return {
    kid: row.kid,
    state: row.state,
    published: isPublished(row, nowMs, graceSeconds),
    public_jwk: { kty: publicJwk.kty, crv: publicJwk.crv, x: publicJwk.x },
    whpk: whpk(publicJwk),
    created_at: row.created_at,
    activated_at: row.activated_at,
    retired_at: row.retired_at,
    revoked_at: row.revoked_at,
    unpublished_at: unpublished,
  };
}

/** What /api/ready says of the keys: a warning when none signs, or the current one is past its rotation period. */
export function healthOf(
  source: "store" | "env",
  keys: readonly SigningKeyView[],
  nowMs: number,
  rotationDays: number,
): SigningKeysHealth {
  const current = keys.find((k) => k.state === "current");
  const since = current?.activated_at ?? current?.created_at ?? null;
  const ageDays = since === null ? null : Math.floor((nowMs - Date.parse(since)) / (DAY_SECONDS * 1000));
  const health: SigningKeysHealth = {
    source,
    published: keys.filter((k) => k.published).length,
    current: current ? { kid: current.kid, age_days: ageDays ?? 0 } : null,
    rotation_days: rotationDays,
  };
  if (!current)
    health.warning = "no current signing key: asymmetric forwards cannot be signed (npx hookgate keys create)";
  else if (ageDays !== null && ageDays >= rotationDays)
    health.warning = `signing key ${current.kid} has signed for ${ageDays} days, past the ${rotationDays}-day rotation period: rotate it (README, Signing keys)`;
  return health;
}
