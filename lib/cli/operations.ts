// Where the operations commands (status, events, event, routing) send their calls: a
// deployment's admin API (HOOKGATE_URL + ADMIN_TOKEN), or, when HOOKGATE_URL is unset,
// the gateway this machine is configured for (its store, KV and routes). Both answer
// with the admin API's JSON, and queries are checked by the API's own schema first.
import { parseArgs, type ParseArgsConfig } from "node:util";
import type { z } from "zod";
import { loadConfig } from "../config/env.js";
import { openGateway } from "../gateway.js";
import { encodeCursor, eventsQuery, overview, type Overview } from "../routes/admin.js";
import type { EventDetail, EventSummary } from "../store/events.js";
import type { RecordedDecision } from "../store/clickup-directory.js";
import { UsageError } from "./command.js";

export type EventsQuery = z.input<typeof eventsQuery>;

export interface EventsPage {
  items: EventSummary[];
  next_cursor: string | null;
}

export interface OperationsClient {
  readonly where: string;
  overview(): Promise<Overview>;
  events(query: EventsQuery): Promise<EventsPage>;
  event(id: string): Promise<EventDetail | null>;
  routing(query: { task?: string; event?: string; limit?: number }): Promise<RecordedDecision[]>;
  close(): Promise<void>;
}

function checked<T>(schema: z.ZodType<T>, input: unknown): T {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    throw new UsageError(parsed.error.issues.map((i) => `${i.path.join(".") || "options"}: ${i.message}`).join("; "));
  }
  return parsed.data;
}

/** Drops undefined values, so an unset option is not sent as a parameter. */
function defined<T extends Record<string, unknown>>(query: T): Record<string, string> {
  return Object.fromEntries(
    Object.entries(query)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, String(v)]),
  );
}

export async function openOperations(env: Record<string, string | undefined>): Promise<OperationsClient> {
  const base = env.HOOKGATE_URL?.replace(/\/+$/, "");
  if (base) {
    if (!env.ADMIN_TOKEN) throw new UsageError("HOOKGATE_URL is set, so ADMIN_TOKEN is needed too");
    return remote(base, env.ADMIN_TOKEN);
  }
  const gateway = await openGateway(loadConfig({ LOG_LEVEL: "warn", ...env }));
  const store = gateway.store.events;
  return {
    where: `local store (${gateway.store.transport})`,
    overview: () => overview(gateway),
    async events(input) {
      const q = checked(eventsQuery, defined(input));
      const page = await store.list(
        { provider: q.provider, type: q.type, status: q.status, dedupKey: q.dedup_key, since: q.since, until: q.until },
        { limit: q.limit ?? 50, after: q.cursor },
      );
      return { items: page.items, next_cursor: page.next ? encodeCursor(page.next) : null };
    },
    event: (id) => store.get(id),
    routing: (q) => gateway.store.clickup.routingDecisions({ taskId: q.task, eventId: q.event, limit: q.limit }),
    close: () => gateway.close(),
  };
}

function remote(base: string, token: string): OperationsClient {
  const get = async <T>(path: string, query: Record<string, string> = {}): Promise<T | null> => {
    const search = new URLSearchParams(query).toString();
    const response = await fetch(`${base}${path}${search ? `?${search}` : ""}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const text = await response.text();
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      throw new Error(`${response.status} from ${base}: ${text.slice(0, 200)}`);
    }
    if (response.status === 404 && path === "/api/admin/event") return null;
    if (!response.ok) throw new Error(`${response.status} from ${base}: ${String(body.message ?? text.slice(0, 200))}`);
    return body as T;
  };
  return {
    where: base,
    overview: async () => (await get<Overview>("/api/admin/overview"))!,
    async events(input) {
      checked(eventsQuery, defined(input));
      return (await get<EventsPage>("/api/admin/events", defined(input)))!;
    },
    event: (id) => get<EventDetail>("/api/admin/event", { id }),
    routing: async (q) => (await get<{ decisions: RecordedDecision[] }>("/api/admin/routing", defined(q)))!.decisions,
    close: async () => {},
  };
}

/** Columns padded to their widest cell: a table a person can read in a terminal. */
export function table(
  header: readonly string[],
  rows: readonly (readonly (string | number | null | undefined)[])[],
): string[] {
  const cells = [header, ...rows].map((row) => row.map((c) => (c === null || c === undefined ? "-" : String(c))));
  const widths = header.map((_, i) => Math.max(...cells.map((row) => row[i]!.length)));
  return cells.map((row) =>
    row
      .map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd(),
  );
}

/** node:util parseArgs, with a misuse reported as a UsageError (exit 2, with the usage). */
export function options<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}
