// Error reports to Sentry, only when SENTRY_DSN is set. @sentry/node costs about half
// a second to import, so it is loaded on the first unexpected error, inside work that
// runs after the answer (waitUntil): no cold start and no answer ever waits for it.
//
// Privacy: no default integrations (no request data, local variables, console or
// HTTP breadcrumbs), data collection off, and every event scrubbed before it leaves:
// configured secrets, emails and phone numbers redacted; request bodies, cookies and
// credential/signature headers removed.
import type { ErrorEvent } from "@sentry/node";
import { after } from "../http/after.js";
import { increment } from "./counters.js";
import { log, type LogFields } from "./log.js";
import { isSecretHeader, redactText } from "./redact.js";

export interface SentryTarget {
  dsn: string;
  environment?: string;
  /** Values to redact wherever they appear (provider secrets, tokens). */
  secrets: readonly string[];
}

type SentryModule = typeof import("@sentry/node");

let loading: Promise<SentryModule> | undefined;

function load(target: SentryTarget): Promise<SentryModule> {
  loading ??= import("@sentry/node").then((Sentry) => {
    Sentry.init({
      dsn: target.dsn,
      environment: target.environment,
      defaultIntegrations: false,
      integrations: [Sentry.linkedErrorsIntegration()],
      enableRuntimeChannelInjection: false,
      includeLocalVariables: false,
      dataCollection: { userInfo: false, cookies: false, httpHeaders: false, httpBodies: [], urlQueryParams: false },
      beforeBreadcrumb: () => null,
      beforeSend: (event) => scrubEvent(event, target.secrets),
    });
    return Sentry;
  });
  loading.catch(() => {
    loading = undefined;
  });
  return loading;
}

/** Tags an error report carries (the names Sentry shows in its sidebar). */
const TAGS = {
  provider: "provider",
  route: "route",
  event_id: "hookgate.event_id",
  request_id: "request_id",
  task: "task",
} as const;

/** Reports per kind (error class + route or task) per minute, per instance; the rest are counted. */
export const REPORTS_PER_MINUTE = 10;
const WINDOW_MS = 60_000;
/** Kinds tracked at once: error classes and routes are ours, so this is never reached in practice. */
const MAX_KINDS = 1_000;

export interface ReportLimit {
  perMinute?: number;
  /** Milliseconds since the epoch; injected so tests move time by hand. */
  clock?: () => number;
}

/**
 * Whether one more report of `kind` fits in its minute. A fixed window per kind: one
 * failure repeated by every request (a broken dependency, a flood of one bad input)
 * costs at most `perMinute` reports, and a different failure still gets through.
 */
export function reportBudget({ perMinute = REPORTS_PER_MINUTE, clock = Date.now }: ReportLimit = {}): (
  kind: string,
) => boolean {
  const windows = new Map<string, { start: number; count: number }>();
  return (kind) => {
    const now = clock();
    let window = windows.get(kind);
    if (!window || now - window.start >= WINDOW_MS) {
      if (!window && windows.size >= MAX_KINDS) windows.clear();
      window = { start: now, count: 0 };
      windows.set(kind, window);
    }
    window.count++;
    if (window.count === perMinute + 1)
      log.warn("error reports capped for this minute", { kind, per_minute: perMinute });
    return window.count <= perMinute;
  };
}

/** What makes two reports "the same kind": the error's class and where it happened. */
export function reportKind(error: unknown, context: LogFields): string {
  const name = error instanceof Error ? error.name : typeof error;
  const where =
    typeof context.route === "string" ? context.route : typeof context.task === "string" ? `task:${context.task}` : "";
  return `${name}@${where}`;
}

/** The reporter endpoint() calls for unexpected errors: capture and flush after the answer, within the budget. */
export function sentryReporter(
  target: SentryTarget,
  limit: ReportLimit = {},
): (error: unknown, context: LogFields) => void {
  const allowed = reportBudget(limit);
  return (error, context) => {
    if (!allowed(reportKind(error, context))) {
      increment("hookgate_error_reports_dropped_total");
      return;
    }
    after("sentry", async () => {
      const Sentry = await load(target);
      Sentry.withScope((scope) => {
        for (const [field, tag] of Object.entries(TAGS)) {
          const value = context[field];
          if (typeof value === "string") scope.setTag(tag, value);
        }
        Sentry.captureException(error);
      });
      await Sentry.flush(2_000);
    });
  };
}

/** The last word on what leaves: everything textual redacted, request payloads dropped. */
export function scrubEvent(event: ErrorEvent, secrets: readonly string[]): ErrorEvent {
  if (event.request) {
    delete event.request.data;
    delete event.request.cookies;
    delete event.request.query_string;
    if (event.request.headers) {
      event.request.headers = Object.fromEntries(
        Object.entries(event.request.headers).filter(([name]) => !isSecretHeader(name)),
      );
    }
  }
  delete event.breadcrumbs;
  delete event.user;
  // Tags are ours (ids and names) and only secrets are taken out of them: a UUID's
  // last group would otherwise read as a phone number.
  const tags = event.tags && (deepRedact(event.tags, secrets, false) as ErrorEvent["tags"]);
  return { ...(deepRedact({ ...event, tags: undefined }, secrets) as ErrorEvent), tags };
}

function deepRedact(value: unknown, secrets: readonly string[], personal = true): unknown {
  if (typeof value === "string")
    return personal ? redactText(value, secrets) : redactText(value, secrets, { personal: false });
  if (Array.isArray(value)) return value.map((v) => deepRedact(v, secrets, personal));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, deepRedact(v, secrets, personal)]));
  }
  return value;
}
