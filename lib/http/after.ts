// Work that runs after the answer: handed to Vercel's waitUntil, which keeps the
// function alive for it, and tracked here so the local server and tests can await it.
import { waitUntil } from "@vercel/functions";
import { errorFields, log, type LogFields } from "../observability/log.js";
import { toRejection } from "./errors.js";

const pending = new Set<Promise<void>>();

/**
 * Runs `task` after the answer. An unexpected failure goes to `report` (the app's error
 * reporter, which a request's `context.after` passes); outages are logged only.
 */
export function after(
  label: string,
  task: () => Promise<unknown>,
  report?: (error: unknown, context: LogFields) => void,
): void {
  const run: Promise<void> = Promise.resolve()
    .then(task)
    .then(
      () => undefined,
      (error: unknown) => {
        log.error("after-answer work failed", { task: label, ...errorFields(error) });
        // Outages (an unreachable store) are not bugs, and a failing report must not report itself.
        if (report && label !== "sentry" && toRejection(error).unexpected) report(error, { task: label });
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
