// The KV port on each transport (memory always; Redis and Upstash-over-REST with
// REDIS_URL): one counter call, incrBy, whose first write starts the expiry window, and
// the `shared` flag that says whether other function instances see the same keys.
import { describe, expect, it } from "vitest";
import { memoryKv } from "../../lib/kv/memory.js";
import { prefixedKv } from "../../lib/kv/prefixed.js";
import { availableKvs, uniquePrefix } from "../support/kvs.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(availableKvs)("the $name KV", (transport) => {
  const { name } = transport;
  it("is shared exactly when it lives outside the process", async () => {
    const opened = await transport.open();
    const { kv } = opened;
    try {
      expect(kv.shared).toBe(name !== "memory");
      expect(prefixedKv(kv, uniquePrefix()).shared).toBe(kv.shared);
    } finally {
      await opened.close();
    }
  });

  it("adds to a counter with incrBy; the first write's window holds, later ones do not extend it", async () => {
    const opened = await transport.open();
    const { kv } = opened;
    try {
      const key = `counter:${name}`;
      expect(await kv.incrBy(key, 1, 300)).toBe(1);
      expect(await kv.incrBy(key, 4, 60_000)).toBe(5);
      await sleep(450);
      expect(await kv.incrBy(key, 2, 60_000)).toBe(2);
    } finally {
      await opened.close();
    }
  });
});

describe("the memory KV's windows", () => {
  it("follow its clock", async () => {
    let now = 1_000;
    const kv = memoryKv(() => now);
    expect(await kv.incrBy("k", 1, 100)).toBe(1);
    now += 99;
    expect(await kv.incrBy("k", 1, 100)).toBe(2);
    now += 1;
    expect(await kv.incrBy("k", 1, 100)).toBe(1);
  });
});
