// The KV port: the few shared hot counters hookgate keeps outside the process (rate
// limits, breaker state, alert cooldowns). Narrow on purpose, so each transport is small.

export type KvTransport = "memory" | "redis" | "upstash";

export interface SetOptions {
  /** Expiry in milliseconds. */
  px?: number;
  /** Only set when the key does not exist (a lock, a single probe). */
  nx?: boolean;
}

export interface Kv {
  readonly transport: KvTransport;
  /**
   * True when every function instance sees the same keys (Redis, Upstash); false for one
   * process's memory. A shared KV is worth batching calls for; memory answers at once.
   */
  readonly shared: boolean;
  ping(): Promise<void>;
  get(key: string): Promise<string | null>;
  /** Returns false when `nx` was asked and the key already existed. */
  set(key: string, value: string, options?: SetOptions): Promise<boolean>;
  /** Adds `amount` to a counter and returns the new value; the first write starts its expiry window. */
  incrBy(key: string, amount: number, windowMs: number): Promise<number>;
  del(key: string): Promise<void>;
  /** Adds to several counters of one hash at once; the first write starts its expiry window. */
  hincrby(key: string, increments: Readonly<Record<string, number>>, windowMs: number): Promise<void>;
  /** Every field of a hash (an empty object when the key does not exist). */
  hgetall(key: string): Promise<Record<string, string>>;
  /**
   * Runs a Lua script written for Upstash (`@upstash/ratelimit`'s), by SHA1 when the
   * server has it cached. Absent on the memory transport, which cannot run Lua.
   */
  script?(source: string, keys: readonly string[], args: readonly unknown[]): Promise<unknown>;
  close(): Promise<void>;
}
