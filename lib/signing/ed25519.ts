// Ed25519 keys as Standard Webhooks and JWKS write them, with node:crypto only (no JOSE
// library in the functions). A key pair's public half travels as a JWK (RFC 8037:
// `kty: OKP`, `crv: Ed25519`, `x` = the 32 raw bytes in base64url) in the JWKS, and as
// `whpk_<base64 of the same 32 bytes>` where the spec wants a serialised public key.
// https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md
// ("Signature scheme": asymmetric, `ed25519`, `whpk_`/`whsk_`, identifier `v1a`).
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";

export const PUBLIC_KEY_PREFIX = "whpk_";

/** The public JWK of an Ed25519 key (RFC 8037). */
export interface Ed25519PublicJwk {
  kty: "OKP";
  crv: "Ed25519";
  x: string;
}

/** A private JWK as HOOKGATE_SIGNING_KEYS lists them: the public members, `d`, and a `kid`. */
export interface Ed25519PrivateJwk extends Ed25519PublicJwk {
  d: string;
  kid: string;
}

export interface Ed25519KeyPair {
  kid: string;
  publicJwk: Ed25519PublicJwk;
  /** The 32-byte private key (JWK `d`), the only secret part. */
  privateKey: Buffer;
}

/** A new key pair; its kid is the RFC 7638 thumbprint of its public key (stable, collision-free). */
export function generateEd25519(): Ed25519KeyPair {
  const { privateKey } = generateKeyPairSync("ed25519");
  const jwk = privateKey.export({ format: "jwk" }) as { x: string; d: string };
  const publicJwk: Ed25519PublicJwk = { kty: "OKP", crv: "Ed25519", x: jwk.x };
  return { kid: thumbprint(publicJwk), publicJwk, privateKey: Buffer.from(jwk.d, "base64url") };
}

/**
 * RFC 7638: the SHA-256 of the required members in lexicographic order, base64url.
 * What a receiver computes with jose's calculateJwkThumbprint.
 */
export function thumbprint(jwk: Ed25519PublicJwk): string {
  const canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x });
  return createHash("sha256").update(canonical).digest("base64url");
}

/** The signing key of a pair (its public half re-derived by node:crypto, so a mismatch cannot sign). */
export function privateKeyObject(publicJwk: Ed25519PublicJwk, privateKey: Uint8Array): KeyObject {
  return createPrivateKey({
    key: { ...publicJwk, d: Buffer.from(privateKey).toString("base64url") },
    format: "jwk",
  });
}

export function publicKeyObject(jwk: Ed25519PublicJwk): KeyObject {
  return createPublicKey({ key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x }, format: "jwk" });
}

/** The spec's serialisation of a public key: `whpk_` + base64 of its 32 raw bytes. */
export function whpk(jwk: Ed25519PublicJwk): string {
  return PUBLIC_KEY_PREFIX + Buffer.from(jwk.x, "base64url").toString("base64");
}

/** A `whpk_…` key as a KeyObject, or null when it is not 32 bytes of canonical base64. */
export function fromWhpk(text: string, decode: (b64: string) => Buffer | null): KeyObject | null {
  if (!text.startsWith(PUBLIC_KEY_PREFIX)) return null;
  const raw = decode(text.slice(PUBLIC_KEY_PREFIX.length));
  if (raw === null || raw.length !== 32) return null;
  return publicKeyObject({ kty: "OKP", crv: "Ed25519", x: raw.toString("base64url") });
}

/** True when the private key's own public half is this JWK's (a pasted pair that does not match is refused). */
export function pairMatches(jwk: Ed25519PrivateJwk): boolean {
  try {
    const derived = createPublicKey(privateKeyObject(jwk, Buffer.from(jwk.d, "base64url"))).export({ format: "jwk" });
    return (derived as { x?: string }).x === jwk.x;
  } catch {
    return false;
  }
}
