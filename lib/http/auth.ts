// Bearer tokens for the operator routes (admin: ADMIN_TOKEN, cron: CRON_SECRET,
// metrics: METRICS_TOKEN), compared in constant time. An unset token closes the route.
import { createHash, timingSafeEqual } from "node:crypto";
import { Rejection } from "./errors.js";

/** The variables that hold the operator routes' bearer tokens. */
export type TokenVariable = "ADMIN_TOKEN" | "CRON_SECRET" | "METRICS_TOKEN";

/** The one bearer check: the endpoint frame's `auth` piece (and the dashboard's panel) call it. */
export function requireBearer(request: Request, expected: string | undefined, variable: TokenVariable): void {
  if (!expected) throw new Rejection("not_configured", `${variable} is not set; this route is closed`);
  const header = request.headers.get("authorization") ?? "";
  // Bounded: a token is a few dozen characters; a megabyte header is not worth hashing.
  const match = header.length <= 4096 ? /^Bearer\s+(.+)$/i.exec(header.trim()) : null;
  // Hashing both sides gives equal lengths, so the comparison itself leaks nothing.
  const digest = (value: string) => createHash("sha256").update(value).digest();
  if (!match || !timingSafeEqual(digest(match[1]!), digest(expected))) {
    throw new Rejection(
      "unauthorized",
      "a valid bearer token is required",
      { "www-authenticate": "Bearer" },
      "bad_token",
    );
  }
}
