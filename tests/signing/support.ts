// Signing-key test helpers: an encryption key, a keyring on a store of each kind
// (PGlite always, PostgreSQL when DATABASE_URL is set) with a clock the test moves,
// and the receiver's side of v1a: a signature checked with node:crypto or jose.
import { createPublicKey, verify } from "node:crypto";
import { importJWK } from "jose";
import { loadConfig } from "../../lib/config/env.js";
import { signingKeyring } from "../../lib/signing/keyring-source.js";
import type { Keyring } from "../../lib/signing/keyring.js";
import type { Store } from "../../lib/store/store.js";
import { openStore, type StoreKind } from "../support/stores.js";

export const ENCRYPTION_KEY = Buffer.alloc(32, 7).toString("base64");

export async function openKeyStore(name: StoreKind): Promise<{ store: Store; close(): Promise<void> }> {
  const { store, drop } = await openStore(name);
  return {
    store,
    close: async () => {
      await store.close();
      await drop();
    },
  };
}

export function clock(start = Date.parse("2026-12-01T09:00:00Z")) {
  let now = start;
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

export function keyringOn(store: Store, now: () => number, env: Record<string, string> = {}): Keyring {
  const config = loadConfig({ HOOKGATE_KEY_ENCRYPTION_KEY: ENCRYPTION_KEY, ...env });
  return signingKeyring({ env: config.env, store: store.signingKeys, clock: now });
}

export interface Jwk {
  kty: string;
  crv: string;
  x: string;
  kid: string;
}

/** What a receiver verifies a v1a entry over: `<webhook-id>.<webhook-timestamp>.<body>`. */
export function signedContent(
  headers: Record<string, string | string[] | undefined>,
  body: Uint8Array,
): Uint8Array<ArrayBuffer> {
  return bytes(
    Buffer.concat([Buffer.from(`${String(headers["webhook-id"])}.${String(headers["webhook-timestamp"])}.`), body]),
  );
}

/** A copy WebCrypto takes (its own ArrayBuffer, never a pooled Buffer's). */
export const bytes = (data: Uint8Array): Uint8Array<ArrayBuffer> => new Uint8Array(data);

/** The base64 of every `v1a,` entry of a webhook-signature header. */
export function v1aEntries(header: string | string[] | undefined): string[] {
  return String(header ?? "")
    .split(" ")
    .filter((entry) => entry.startsWith("v1a,"))
    .map((entry) => entry.slice(4));
}

/** A receiver with node:crypto only: the JWK named by webhook-key-id, and any v1a entry under it. */
export function verifyWithNodeCrypto(
  jwks: { keys: Jwk[] },
  headers: Record<string, string | string[] | undefined>,
  body: Uint8Array,
): boolean {
  const jwk = jwks.keys.find((k) => k.kid === headers["webhook-key-id"]);
  if (!jwk) return false;
  const key = createPublicKey({ key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x }, format: "jwk" });
  return v1aEntries(headers["webhook-signature"]).some((sig) =>
    verify(null, signedContent(headers, body), key, Buffer.from(sig, "base64")),
  );
}

/** A receiver with jose: importJWK of the named key, then WebCrypto's Ed25519 verify. */
export async function verifyWithJose(
  jwks: { keys: Jwk[] },
  headers: Record<string, string | string[] | undefined>,
  body: Uint8Array,
): Promise<boolean> {
  const jwk = jwks.keys.find((k) => k.kid === headers["webhook-key-id"]);
  if (!jwk) return false;
  const key = (await importJWK(jwk, "EdDSA")) as CryptoKey;
  for (const sig of v1aEntries(headers["webhook-signature"]))
    if (
      await crypto.subtle.verify(
        { name: "Ed25519" },
        key,
        bytes(Buffer.from(sig, "base64")),
        signedContent(headers, body),
      )
    )
      return true;
  return false;
}
