// Private signing keys at rest: AES-256-GCM under HOOKGATE_KEY_ENCRYPTION_KEY (32 bytes,
// base64), so a copy of the database (a backup, a leaked dump, the Supabase dashboard)
// holds no key that can sign. The key id is the additional authenticated data: a
// ciphertext moved onto another key's row does not decrypt.
//   v1.<iv>.<tag>.<ciphertext>     (each base64url; a 12-byte IV, fresh per encryption)
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

const VERSION = "v1";

/** The 32-byte key of a HOOKGATE_KEY_ENCRYPTION_KEY value, or null when it is not one. */
export function encryptionKey(base64: string): Buffer | null {
  const key = Buffer.from(base64, "base64");
  return key.length === 32 && key.toString("base64") === base64.replace(/\s/g, "") ? key : null;
}

export function encryptPrivateKey(key: Buffer, kid: string, privateKey: Uint8Array): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(kid, "utf8"));
  const ciphertext = Buffer.concat([cipher.update(privateKey), cipher.final()]);
  return [VERSION, iv, cipher.getAuthTag(), ciphertext]
    .map((part) => (typeof part === "string" ? part : part.toString("base64url")))
    .join(".");
}

/** The private key, or an Error naming why not (a wrong encryption key says so plainly). */
export function decryptPrivateKey(key: Buffer, kid: string, sealed: string): Buffer {
  const parts = sealed.split(".");
  if (parts.length !== 4 || parts[0] !== VERSION) throw new Error(`signing key ${kid}: not a sealed private key`);
  const [iv, tag, ciphertext] = parts.slice(1).map((part) => Buffer.from(part, "base64url"));
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, iv!);
    decipher.setAAD(Buffer.from(kid, "utf8"));
    decipher.setAuthTag(tag!);
    return Buffer.concat([decipher.update(ciphertext!), decipher.final()]);
  } catch {
    throw new Error(
      `signing key ${kid}: cannot decrypt its private key: HOOKGATE_KEY_ENCRYPTION_KEY is not the key it was stored with`,
    );
  }
}
