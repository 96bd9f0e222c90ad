// Lua scripts written for Upstash, made runnable on plain Redis.
//
// @upstash/ratelimit's scripts begin with `#!lua flags=allow-key-locking`. Redis 7
// reads a `#!lua` shebang and refuses any flag it does not know ("Unexpected flag in
// script shebang"), and allow-key-locking is Upstash's own. The TCP transport drops
// the flags (keeping `#!lua`, so Redis 7 still applies its shebang rules) and caches
// the result under the SHA1 of what it actually sends.
import { createHash } from "node:crypto";

export function sha1(text: string): string {
  return createHash("sha1").update(text).digest("hex");
}

export interface PreparedScript {
  source: string;
  sha: string;
}

const prepared = new Map<string, PreparedScript>();

export function forPlainRedis(source: string): PreparedScript {
  let script = prepared.get(source);
  if (!script) {
    const stripped = source.replace(/^#!lua flags=[^\n]*/, "#!lua");
    script = { source: stripped, sha: sha1(stripped) };
    prepared.set(source, script);
  }
  return script;
}
