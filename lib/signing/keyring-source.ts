// Where this deployment's signing keys come from: HOOKGATE_SIGNING_KEYS when it lists
// them (stateless: keyring-env.ts), else the store (encrypted at rest: keyring-store.ts).
import { envKeyring } from "./keyring-env.js";
import { storeKeyring } from "./keyring-store.js";
import type { Keyring, KeyringOptions } from "./keyring.js";

export function signingKeyring(options: KeyringOptions): Keyring {
  const listed = options.env.HOOKGATE_SIGNING_KEYS;
  return listed ? envKeyring(listed, options) : storeKeyring(options);
}
