// The sample of rejected requests the shield keeps (lib/shield/rejections.ts), and its
// retention: each one SQL function of supabase/migrations/20261122000200_rejections.sql.
import type { StoreCall } from "./functions.js";
import type { RecordedRejection } from "./rows.js";

export type { RecordedRejection } from "./rows.js";

/** A rejection to keep, already stripped of secrets and personal data by the caller. */
export interface NewRejection {
  provider: string;
  reason: string;
  status: number;
  clientIp: string;
  headers: Record<string, string>;
  /** The kept start of the body (the store keeps at most 1 KiB of it). */
  bodyPrefix: Uint8Array;
  bodyBytes: number | null;
  /** Expired rows are removed a few at a time with each insert. */
  retentionSeconds: number;
}

export interface RejectionsStore {
  record(rejection: NewRejection): Promise<{ id: number }>;
  /** Newest first. */
  list(page: { limit: number; beforeId?: number }): Promise<RecordedRejection[]>;
  /** Deletes up to `batch` rows older than the retention, oldest first. */
  prune(retentionSeconds: number, batch: number): Promise<{ deleted: number }>;
}

export function rejectionsStore(call: StoreCall): RejectionsStore {
  return {
    record: (r) =>
      call("hookgate_record_rejection", {
        p_provider: r.provider,
        p_reason: r.reason,
        p_status: r.status,
        p_client_ip: r.clientIp,
        p_headers: r.headers,
        p_body_prefix_base64: Buffer.from(
          r.bodyPrefix.buffer,
          r.bodyPrefix.byteOffset,
          r.bodyPrefix.byteLength,
        ).toString("base64"),
        p_body_bytes: r.bodyBytes,
        p_retention_seconds: r.retentionSeconds,
      }),
    async list({ limit, beforeId }) {
      return (await call("hookgate_list_rejections", { p_limit: limit, p_before_id: beforeId ?? null })) ?? [];
    },
    prune: (retentionSeconds, batch) =>
      call("hookgate_prune_rejections", { p_retention_seconds: Math.floor(retentionSeconds), p_batch: batch }),
  };
}
