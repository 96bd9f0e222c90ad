// Replay windows. A provider's timestamp is read strictly (digits only: parseInt would
// take "12abc" for 12) and compared with the time hookgate received the request.
import type { RejectReason } from "./verdict.js";

const DIGITS = /^\d{1,16}$/;

/** A non-negative integer in the text, or null. */
export function readInteger(text: string | null | undefined): number | null {
  if (text === null || text === undefined) return null;
  const trimmed = text.trim();
  return DIGITS.test(trimmed) ? Number(trimmed) : null;
}

export interface Window {
  /** How old a request may be, in seconds. */
  pastSeconds: number;
  /** How far ahead of our clock it may be (clock skew); Infinity where the provider's own SDK does not check. */
  futureSeconds: number;
}

/** Why the timestamp is refused, or null when it is within the window. */
export function outsideWindow(sentAtMs: number | null, receivedAt: Date, window: Window): RejectReason | null {
  if (sentAtMs === null) return "missing_timestamp";
  const ageSeconds = (receivedAt.getTime() - sentAtMs) / 1000;
  return ageSeconds > window.pastSeconds || -ageSeconds > window.futureSeconds ? "stale_timestamp" : null;
}

/** The same check for a header holding whole seconds since the epoch. */
export function secondsOutsideWindow(
  text: string | null | undefined,
  receivedAt: Date,
  window: Window,
): RejectReason | null {
  const seconds = readInteger(text);
  return outsideWindow(seconds === null ? null : seconds * 1000, receivedAt, window);
}

/** Whole seconds since the epoch, as the timestamp headers carry them. */
export function unixSeconds(at: Date): string {
  return String(Math.floor(at.getTime() / 1000));
}
