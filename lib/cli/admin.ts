// Where the delivery commands send their calls: a deployment's admin API (HOOKGATE_URL
// + ADMIN_TOKEN), or, when HOOKGATE_URL is unset, the store this machine is configured
// for. Both take the same requests, checked by the admin API's own schemas.
import type { z } from "zod";
import { loadConfig } from "../config/env.js";
import { deadLetterQuery, replayRequest } from "../routes/deliveries.js";
import type { DeadLetterPage, DeliveryDetail, ReplayResult } from "../store/deliveries.js";
import { openStore } from "../store/open.js";
import { UsageError } from "./command.js";

export type DeadLetterQuery = z.input<typeof deadLetterQuery>;
export type ReplayRequest = z.input<typeof replayRequest>;

export interface AdminClient {
  /** "https://…" or "local store (postgres)". */
  readonly where: string;
  listDeadLetters(query: DeadLetterQuery): Promise<DeadLetterPage>;
  getDelivery(id: number): Promise<DeliveryDetail | null>;
  replay(request: ReplayRequest): Promise<ReplayResult & { message?: string }>;
  close(): Promise<void>;
}

function check<T>(schema: z.ZodType<T>, input: unknown): T {
  const parsed = schema.safeParse(input);
  if (!parsed.success)
    throw new UsageError(parsed.error.issues.map((i) => `${i.path.join(".") || "options"}: ${i.message}`).join("; "));
  return parsed.data;
}

export async function openAdmin(env: Record<string, string | undefined>): Promise<AdminClient> {
  const base = env.HOOKGATE_URL?.replace(/\/+$/, "");
  if (base) {
    if (!env.ADMIN_TOKEN) throw new UsageError("HOOKGATE_URL is set, so ADMIN_TOKEN is needed too");
    return remote(base, env.ADMIN_TOKEN);
  }
  const config = loadConfig(env);
  const store = await openStore(config.store, { timeoutMs: config.storeTimeoutMs });
  const calls = store.deliveries;
  return {
    where: `local store (${store.transport})`,
    listDeadLetters: (input) => {
      const q = check(deadLetterQuery, input);
      return calls.listDeadLetters({
        destination: q.destination,
        provider: q.provider,
        eventType: q.type,
        since: q.since,
        until: q.until,
        limit: q.limit,
        beforeId: q.before,
      });
    },
    getDelivery: (id) => calls.get(id),
    replay: async (input) => {
      const r = check(replayRequest, input);
      return calls.replay(
        r.id !== undefined
          ? { id: r.id }
          : { destination: r.destination, provider: r.provider, eventType: r.type, since: r.since, until: r.until },
        { dryRun: r.dryRun ?? false, limit: r.limit },
      );
    },
    close: () => store.close(),
  };
}

function remote(base: string, token: string): AdminClient {
  const call = async <T>(path: string, init: RequestInit = {}): Promise<T | null> => {
    const response = await fetch(`${base}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json", ...init.headers },
    });
    if (response.status === 404 && path.startsWith("/api/admin/delivery?")) return null;
    const text = await response.text();
    let body: { message?: string } & Record<string, unknown>;
    try {
      body = JSON.parse(text);
    } catch {
      throw new Error(`${response.status} from ${base}: ${text.slice(0, 200)}`);
    }
    if (!response.ok) throw new Error(`${response.status} from ${base}: ${body.message ?? text.slice(0, 200)}`);
    return body as T;
  };
  const query = (params: Record<string, unknown>) => {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) {
      if (value !== undefined) search.set(key, value instanceof Date ? value.toISOString() : String(value));
    }
    const text = search.toString();
    return text ? `?${text}` : "";
  };
  return {
    where: base,
    // Checked here too, so a misuse is a usage error before anything is sent.
    listDeadLetters: async (q) => {
      check(deadLetterQuery, q);
      return (await call<DeadLetterPage>(`/api/admin/dead-letters${query(q)}`))!;
    },
    getDelivery: (id) => call<DeliveryDetail>(`/api/admin/delivery${query({ id })}`),
    replay: async (r) => {
      check(replayRequest, r);
      return (await call<ReplayResult>("/api/admin/replay", { method: "POST", body: JSON.stringify(r) }))!;
    },
    close: async () => {},
  };
}

/** `--since 2h` / `30m` / `7d`, or an ISO 8601 time, as ISO 8601. */
export function timeOption(value: string | undefined, now = new Date()): string | undefined {
  if (value === undefined) return undefined;
  const relative = /^(\d+)(m|h|d)$/.exec(value.trim());
  if (relative) {
    const unit = { m: 60_000, h: 3_600_000, d: 86_400_000 }[relative[2] as "m" | "h" | "d"];
    return new Date(now.getTime() - Number(relative[1]) * unit).toISOString();
  }
  return value;
}
