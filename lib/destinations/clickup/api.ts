// The three ClickUp API v2 calls the router makes, each returning a value: the result,
// or the attempt outcome its failure comes to (the engine retries or dead-letters).
// https://developer.clickup.com/reference/gettask
// https://developer.clickup.com/reference/updatetask   (assignees: { add, rem })
// https://developer.clickup.com/reference/addtagtotask
import type { AttemptOutcome } from "../contract.js";
import { parseRetryAfter } from "../http-answer.js";
import type { ClickUpApiSettings } from "./settings.js";
import { ClickUpTask } from "./task.js";
import type { UserId } from "./rules.js";

export type Failure = Extract<AttemptOutcome, { kind: "retry" | "dead" }>;
export type ApiResult<T> = { ok: true; value: T } | { ok: false; failure: Failure };

export interface ClickUpApi {
  getTask(taskId: string, signal?: AbortSignal): Promise<ApiResult<ClickUpTask>>;
  /** Adds, never removes: ClickUp keeps assignees as a set, so adding one twice is a no-op. */
  addAssignees(taskId: string, userIds: readonly UserId[], signal?: AbortSignal): Promise<ApiResult<void>>;
  addTag(taskId: string, tag: string, signal?: AbortSignal): Promise<ApiResult<void>>;
}

export function clickupApi(settings: ClickUpApiSettings, fetchImpl: typeof fetch = fetch): ClickUpApi {
  async function call(
    method: string,
    path: string,
    body: unknown,
    signal: AbortSignal | undefined,
  ): Promise<ApiResult<unknown>> {
    if (!settings.token) {
      return {
        ok: false,
        failure: { kind: "dead", error: "CLICKUP_API_TOKEN is not set", errorClass: "clickup_config" },
      };
    }
    let response: Response;
    try {
      response = await fetchImpl(`${settings.baseUrl}${path}`, {
        method,
        headers: {
          authorization: settings.token,
          accept: "application/json",
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
      });
    } catch (error) {
      return { ok: false, failure: networkFailure(method, path, error) };
    }
    const text = await response.text().catch(() => "");
    if (!response.ok) return { ok: false, failure: httpFailure(method, path, response.status, response.headers, text) };
    try {
      return { ok: true, value: text === "" ? null : (JSON.parse(text) as unknown) };
    } catch {
      return { ok: true, value: null };
    }
  }

  const task = (taskId: string) => `/task/${encodeURIComponent(taskId)}`;

  return {
    async getTask(taskId, signal) {
      const result = await call("GET", task(taskId), undefined, signal);
      if (!result.ok) return result;
      const parsed = ClickUpTask.safeParse(result.value);
      if (parsed.success) return { ok: true, value: parsed.data };
      const issue = parsed.error.issues[0];
      return {
        ok: false,
        failure: {
          kind: "retry",
          status: 200,
          error: `GET ${task(taskId)}: unexpected task shape at ${issue?.path.join(".") || "(root)"}: ${issue?.message ?? ""}`,
          errorClass: "clickup_bad_response",
        },
      };
    },
    async addAssignees(taskId, userIds, signal) {
      const result = await call("PUT", task(taskId), { assignees: { add: userIds, rem: [] } }, signal);
      return result.ok ? { ok: true, value: undefined } : result;
    },
    async addTag(taskId, tag, signal) {
      const result = await call("POST", `${task(taskId)}/tag/${encodeURIComponent(tag)}`, {}, signal);
      return result.ok ? { ok: true, value: undefined } : result;
    },
  };
}

/** A refused call: 429 and 5xx are worth retrying (after Retry-After); the rest never succeed as they are. */
export function httpFailure(
  method: string,
  path: string,
  status: number,
  headers: Headers,
  body: string,
  now = Date.now(),
): Failure {
  const response = body.slice(0, 500);
  const said = clickupError(body);
  const where = `${method} ${path}`;
  if (status === 429 || status >= 500) {
    return {
      kind: "retry",
      status,
      error: `${where}: ClickUp answered ${status}${said}`,
      errorClass: status === 429 ? "clickup_rate_limited" : "clickup_unavailable",
      retryAfterMs: retryAfterMs(headers, now),
      response,
    };
  }
  const why =
    status === 401
      ? "ClickUp refused CLICKUP_API_TOKEN (invalid, revoked, or without access to this workspace)"
      : status === 404
        ? "the task does not exist (deleted) or the token's user cannot see it"
        : status === 403
          ? "the token's user may not change this task"
          : "ClickUp refused the request";
  return {
    kind: "dead",
    status,
    error: `${where}: ${status}, ${why}${said}`,
    errorClass:
      status === 401 ? "clickup_unauthorized" : status === 404 ? "clickup_not_found" : `clickup_http_${status}`,
    response,
  };
}

function networkFailure(method: string, path: string, error: unknown): Failure {
  const timeout = error instanceof Error && (error.name === "AbortError" || error.name === "TimeoutError");
  const message =
    error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
  return {
    kind: "retry",
    error: `${method} ${path}: ${timeout ? "timed out" : `ClickUp unreachable (${message})`}`,
    errorClass: timeout ? "clickup_timeout" : "clickup_unreachable",
  };
}

/**
 * How long ClickUp asks to wait: `Retry-After` (seconds or an HTTP date), else its
 * rate-limit reset time (`X-RateLimit-Reset`, unix seconds). Undefined lets the
 * engine's own schedule decide.
 */
export function retryAfterMs(headers: Headers, now = Date.now()): number | undefined {
  const retryAfter = parseRetryAfter(headers.get("retry-after"), new Date(now));
  if (retryAfter !== undefined) return retryAfter;
  const reset = headers.get("x-ratelimit-reset")?.trim();
  if (reset && /^\d+$/.test(reset)) return Math.max(0, Number(reset) * 1000 - now);
  return undefined;
}

/** ClickUp's error body is `{"err": "...", "ECODE": "..."}`. */
function clickupError(body: string): string {
  try {
    const parsed = JSON.parse(body) as { err?: unknown; ECODE?: unknown };
    if (typeof parsed.err === "string")
      return ` (${parsed.err}${typeof parsed.ECODE === "string" ? `, ${parsed.ECODE}` : ""})`;
  } catch {
    // not JSON: the raw body is kept in `response`
  }
  return "";
}
