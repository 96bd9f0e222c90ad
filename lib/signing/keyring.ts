// The signing keys of this deployment, as the rest of the gateway sees them: which one
// signs, which are published in the JWKS, their states and rotation, and what /api/ready
// says of them. One keyring per app (lib/app.ts); the admin API, the CLI, the JWKS
// route, /api/ready and every asymmetric forward use it. Where the keys come from (the
// store, encrypted at rest, or HOOKGATE_SIGNING_KEYS for a stateless setup) is chosen by
// signingKeyring() in keyring-source.ts; each source is a file of its own
// (keyring-store.ts, keyring-env.ts) and shares the views and health below.
import type { Env } from "../config/env.js";
import type { SigningKeyRow, SigningKeysStore, SigningKeyState } from "../store/signing-keys.js";
import { whpk, type Ed25519PublicJwk } from "./ed25519.js";
import type { AsymmetricKey } from "./standard-webhooks.js";

/**
 * The JWKS's Cache-Control max-age, in seconds: a receiver's copy is at most this old.
 * A next key must have been published this long before it may sign (rotate enforces it).
 */
export const JWKS_MAX_AGE_SECONDS = 300;
export const DAY_SECONDS = 86_400;

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

/** The key that signs now: the one shape a forward takes (standard-webhooks.ts). */
export type CurrentKey = AsymmetricKey;

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
  /** The key that signs now, or null when there is none; cached (keyring-store.ts). */
  current(): Promise<CurrentKey | null>;
  /** The published public keys, read fresh. */
  jwks(): Promise<{ keys: PublishedJwk[] }>;
  list(): Promise<SigningKeyView[]>;
  create(): Promise<{ key: SigningKeyView; message: string }>;
  rotate(options?: { force?: boolean }): Promise<{ current: string; retired: string | null; message: string }>;
  retire(kid: string): Promise<{ key: SigningKeyView; message: string }>;
  revoke(kid: string): Promise<{ key: SigningKeyView; message: string }>;
  /** `keyNeeded`: some forward signs asymmetrically, so having no current key is worth a warning. */
  health(keyNeeded: boolean): Promise<SigningKeysHealth>;
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

export function published(row: Pick<SigningKeyRow, "kid" | "public_jwk">): PublishedJwk {
  const { kty, crv, x } = row.public_jwk as Ed25519PublicJwk;
  return { kty, crv, x, kid: row.kid, use: "sig", alg: "EdDSA" };
}

/** A stored key, or a listed one (which has no creation time). */
export type KeyRow = Omit<SigningKeyRow, "created_at"> & { created_at: string | null };

/** A key as listed: whether it is published is the source's to say (the store's grace period, or the env list). */
export function viewOf(row: KeyRow, published: boolean, graceSeconds = 0): SigningKeyView {
  const publicJwk = row.public_jwk as Ed25519PublicJwk;
  const unpublished =
    row.state === "retired" && row.retired_at
      ? new Date(Date.parse(row.retired_at) + graceSeconds * 1000).toISOString()
      : null;
  return {
    kid: row.kid,
    state: row.state,
    published,
    public_jwk: { kty: publicJwk.kty, crv: publicJwk.crv, x: publicJwk.x },
    whpk: whpk(publicJwk),
    created_at: row.created_at,
    activated_at: row.activated_at,
    retired_at: row.retired_at,
    revoked_at: row.revoked_at,
    unpublished_at: unpublished,
  };
}

/**
 * What /api/ready says of the keys: a warning when none signs while a forward needs one
 * (a deployment that signs only with secrets has nothing to fix), or when the current
 * one is past its rotation period.
 */
export function healthOf(
  source: "store" | "env",
  keys: readonly SigningKeyView[],
  nowMs: number,
  rotationDays: number,
  keyNeeded: boolean,
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
  if (!current) {
    if (keyNeeded)
      health.warning = "no current signing key: asymmetric forwards cannot be signed (npx hookgate keys create)";
  } else if (ageDays !== null && ageDays >= rotationDays)
    health.warning = `signing key ${current.kid} has signed for ${ageDays} days, past the ${rotationDays}-day rotation period: rotate it (README, Signing keys)`;
  return health;
}
