// The signing keys' store calls (supabase/migrations/20261201000300_signing_keys.sql):
// the key set, and its three changes (add, rotate, retire or revoke). The keys arrive
// and leave encrypted; what they are and which are published is lib/signing's affair.
import type { StoreCall } from "./functions.js";
import type {
  SigningKeyAdded,
  SigningKeyRotated,
  SigningKeyStateSet,
  StoredSigningKey,
  SigningKeyRow,
} from "./rows.js";

export type {
  SigningKeyAdded,
  SigningKeyRotated,
  SigningKeyRow,
  SigningKeyState,
  SigningKeyStateSet,
  StoredSigningKey,
} from "./rows.js";

export interface NewSigningKey {
  kid: string;
  publicJwk: SigningKeyRow["public_jwk"];
  /** Encrypted already: the store never holds a private key in the clear. */
  encryptedPrivateKey: string;
}

export interface SigningKeysStore {
  /** Every key, newest first, each with its encrypted private key. */
  list(): Promise<StoredSigningKey[]>;
  /** Current when there is no key to sign with yet, else next; refused while a next key waits. */
  add(key: NewSigningKey, now?: Date): Promise<SigningKeyAdded>;
  /** Next → current, current → retired; refused for a next key published less than `minPublishedSeconds` ago. */
  rotate(minPublishedSeconds: number, now?: Date): Promise<SigningKeyRotated>;
  setState(kid: string, state: "retired" | "revoked", now?: Date): Promise<SigningKeyStateSet>;
}

export function signingKeysStore(call: StoreCall): SigningKeysStore {
  return {
    list: () => call("hookgate_signing_keys", {}),
    add: (key, now) =>
      call("hookgate_signing_key_add", {
        p_kid: key.kid,
        p_public_jwk: key.publicJwk,
        p_private_key: key.encryptedPrivateKey,
        p_now: now?.toISOString() ?? null,
      }),
    rotate: (minPublishedSeconds, now) =>
      call("hookgate_signing_key_rotate", {
        p_min_published_seconds: Math.max(0, Math.floor(minPublishedSeconds)),
        p_now: now?.toISOString() ?? null,
      }),
    setState: (kid, state, now) =>
      call("hookgate_signing_key_set_state", { p_kid: kid, p_state: state, p_now: now?.toISOString() ?? null }),
  };
}
