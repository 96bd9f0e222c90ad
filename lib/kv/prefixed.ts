// A KV whose every key lives under a prefix: several gateways (or test files) can
// share one Redis without seeing each other's counters.
// A method added to the port must be added here too (the type check says so).
import type { Kv } from "./port.js";

export function prefixedKv(kv: Kv, prefix: string): Kv {
  const k = (key: string) => `${prefix}${key}`;
  return {
    transport: kv.transport,
    shared: kv.shared,
    ping: () => kv.ping(),
    get: (key) => kv.get(k(key)),
    set: (key, value, options) => kv.set(k(key), value, options),
    incrBy: (key, amount, windowMs) => kv.incrBy(k(key), amount, windowMs),
    del: (key) => kv.del(k(key)),
    hincrby: (key, increments, windowMs) => kv.hincrby(k(key), increments, windowMs),
    hgetall: (key) => kv.hgetall(k(key)),
    script: kv.script && ((source, keys, args) => kv.script!(source, keys.map(k), args)),
    close: () => kv.close(),
  };
}
