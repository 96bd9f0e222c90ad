// Work that runs after the answer: handed to Vercel's waitUntil, which keeps the
// function alive for it, and tracked here so the local server and tests can await it.
import { waitUntil } from "@vercel/functions";
import { errorFields, log } from "../observability/log.js";
import { reportUnexpected } from "./endpoint.js";
import { toRejection } from "./errors.js";

const pending = new Set<Promise<void>>();

export function after(label: string, task: () => Promise<unknown>): void {
  const run: Promise<void> = Promise.resolve()
    .then(task)
    .then(
      () => undefined,
      (error: unknown) => {
        log.error("after-answer work failed", { task: label, ...errorFields(error) });
        // Outages (an unreachable store) are not bugs, and a failing report must not report itself.
        if (label !== "sentry" && toRejection(error).unexpected) reportUnexpected(error, { task: label });
      },
    )
    .finally(() => pending.delete(run));
  pending.add(run);
  waitUntil(run);
}

/** Resolves when all work started so far (and any work it started) has finished. */
export async function settled(): Promise<void> {
  while (pending.size > 0) await Promise.all(pending);
}
