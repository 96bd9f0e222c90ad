// The keyring of HOOKGATE_SIGNING_KEYS, for a stateless setup: keys that live in the
// environment, changed by redeploying, never by the admin API.
import { ConfigError } from "../config/error.js";
import type { SigningKeyState } from "../store/signing-keys.js";
import { pairMatches, privateKeyObject, thumbprint } from "./ed25519.js";
import {
  healthOf,
  KeyringRefusal,
  published,
  viewOf,
  type CurrentKey,
  type KeyRow,
  type Keyring,
  type KeyringEnv,
  type KeyringOptions,
} from "./keyring.js";

/**
 * Stateless keys: HOOKGATE_SIGNING_KEYS lists private JWKs. Every listed key is
 * published; the one whose `state` is `current` signs (without states: the first), and
 * the list is changed by redeploying (README, "Signing keys", the stateless procedure).
 */
export function envKeyring(listed: NonNullable<KeyringEnv["HOOKGATE_SIGNING_KEYS"]>, { env }: KeyringOptions): Keyring {
  const keys = listed.map((jwk, i) => {
    const kid = jwk.kid ?? thumbprint(jwk);
    if (!pairMatches({ ...jwk, kid }))
      throw new ConfigError(`HOOKGATE_SIGNING_KEYS: key ${i + 1} (${kid}): d is not the private key of x`);
    return { ...jwk, kid };
  });
  const explicit = keys.filter((k) => k.state === "current");
  if (explicit.length > 1) throw new ConfigError("HOOKGATE_SIGNING_KEYS: at most one key may be current");
  const signer = explicit[0] ?? keys.find((k) => k.state === undefined);
  // At most one key says current, and it is the signer: the others keep their state.
  const stateOf = (k: (typeof keys)[number]): SigningKeyState => (k === signer ? "current" : (k.state ?? "retired"));
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
  const views = rows.map((row) => viewOf(row, true));
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
    health: async (keyNeeded) => healthOf("env", views, Date.now(), env.HOOKGATE_SIGNING_KEY_ROTATION_DAYS, keyNeeded),
  };
}
