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
  ping(): Promise<void>;
  get(key: string): Promise<string | null>;
  /** Returns false when `nx` was asked and the key already existed. */
  set(key: string, value: string, options?: SetOptions): Promise<boolean>;
  /** Increments a counter; the first increment starts its expiry window. */
  incr(key: string, windowMs: number): Promise<number>;
  del(key: string): Promise<void>;
  close(): Promise<void>;
}
