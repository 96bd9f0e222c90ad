// The one deadline race (lib/time/deadline.ts) that the store, the delivery engine and
// the rate limiter share: the work's answer in time, else `late`, with the signal aborted.
import { describe, expect, it } from "vitest";
import { deadline } from "../../lib/time/deadline.js";

describe("deadline", () => {
  it("passes the work's value through when it comes in time", async () => {
    await expect(deadline(1_000, async () => 42)).resolves.toEqual({ late: false, value: 42 });
  });

  it("passes the work's failure through when it comes in time", async () => {
    await expect(deadline(1_000, () => Promise.reject(new Error("own")))).rejects.toThrow("own");
  });

  it("passes a work function that throws at once through as a failure", async () => {
    await expect(
      deadline(1_000, () => {
        throw new Error("at once");
      }),
    ).rejects.toThrow("at once");
  });

  it("answers late and aborts the work's signal when the work does not answer", async () => {
    let signal: AbortSignal | undefined;
    const result = await deadline(20, (s) => ((signal = s), new Promise<never>(() => {})));
    expect(result).toEqual({ late: true });
    expect(signal?.aborted).toBe(true);
    expect((signal?.reason as Error).message).toContain("no answer within 20 ms");
  });

  it("answers late even when the abort makes the work answer at once (the deadline wins)", async () => {
    const result = await deadline(
      20,
      (signal) => new Promise<string>((resolve) => signal.addEventListener("abort", () => resolve("withdrawn"))),
    );
    expect(result).toEqual({ late: true });
  });

  it("drops a failure that comes after the deadline (no unhandled rejection)", async () => {
    let fail: (error: Error) => void = () => {};
    const result = await deadline(20, () => new Promise<never>((_, reject) => (fail = reject)));
    fail(new Error("too late to matter"));
    expect(result).toEqual({ late: true });
    await new Promise((resolve) => setTimeout(resolve, 10));
  });

  it("leaves no timer behind once the work has answered", async () => {
    let signal: AbortSignal | undefined;
    await deadline(30, async (s) => ((signal = s), "quick"));
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(signal?.aborted).toBe(false);
  });
});
