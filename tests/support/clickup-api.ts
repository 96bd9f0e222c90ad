// A real HTTP server (node:http on 127.0.0.1) speaking the part of ClickUp API v2 the
// router uses: GET /task/{id}, PUT /task/{id} (assignees add/rem), POST
// /task/{id}/tag/{name}. It keeps tasks as ClickUp does (assignees and tags are sets,
// tag names lower-cased), records every call, can be told to fail, and writes down
// the webhooks ClickUp would send after each change, so a test can send them back.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export const CUSTOMER_FIELD_ID = "5dc86497-098d-4bb0-87d6-cf28e43812e7";
export const MARKET_FIELD_ID = "0a52c486-5f05-403b-b4fd-c512ff05131c";
export const MARKETS = ["Lisbon", "Porto", "Faro", "Nowhere"];

export interface FakeTask {
  id: string;
  name: string;
  list: { id: string };
  assignees: { id: number; username: string }[];
  tags: { name: string; tag_fg: string; tag_bg: string; creator: number }[];
  custom_fields: unknown[];
}

export interface Call {
  method: string;
  path: string;
  body: unknown;
  status: number;
}

export type FailureMode = { status: number; headers?: Record<string, string>; body?: unknown } | { reset: true };

export interface SeedTask {
  id: string;
  listId: string;
  customer?: string | null;
  market?: string | null;
  assignees?: number[];
  tags?: string[];
}

export interface FakeClickUp {
  /** e.g. http://127.0.0.1:41234/api/v2 (CLICKUP_API_BASE_URL). */
  readonly baseUrl: string;
  readonly token: string;
  readonly calls: Call[];
  /** Changing calls only (PUT, POST): what the router did to ClickUp. */
  writes(): Call[];
  /** The webhooks ClickUp would send after the changes made so far (drained). */
  takeEchoes(): unknown[];
  task(id: string): FakeTask | undefined;
  addTask(seed: SeedTask): FakeTask;
  /** A person sets the task's Market in ClickUp: returns the taskUpdated webhook ClickUp sends. */
  humanSetsMarket(taskId: string, market: string): unknown;
  /** The next `times` calls (those with this method, when given) fail this way. */
  failNext(times: number, mode: FailureMode, only?: { method: string }): void;
  /** Every call fails this way until `up()`. */
  down(mode: FailureMode): void;
  up(): void;
  close(): Promise<void>;
}

const USER_ID = 4242; // the token's user: hookgate's own ClickUp identity
const HOOKGATE_USER = {
  id: USER_ID,
  username: "hookgate",
  email: "hookgate@example.com",
  color: "#000000",
  initials: "H",
  profilePicture: null,
};
const HUMAN_USER = {
  id: 183,
  username: "Dana Okafor",
  email: "dana@example.com",
  color: "#7b68ee",
  initials: "DO",
  profilePicture: null,
};

export async function startFakeClickUp(options: { token?: string; webhookId?: string } = {}): Promise<FakeClickUp> {
  const token = options.token ?? "pk_test_router_token";
  const webhookId = options.webhookId ?? "7fa3ec74-69a8-4530-a251-8a13730bd204";
  const tasks = new Map<string, FakeTask>();
  const calls: Call[] = [];
  const echoes: unknown[] = [];
  const queued: { mode: FailureMode; method?: string }[] = [];
  let outage: FailureMode | undefined;
  let historyId = 3_000_000_000_000_000_000n;

  function historyItem(
    task: FakeTask,
    field: string,
    after: unknown,
    user: unknown,
    extra: Record<string, unknown> = {},
  ) {
    return {
      id: String(historyId++),
      type: 1,
      date: String(Date.now()),
      field,
      parent_id: task.list.id,
      data: {},
      source: null,
      user,
      before: null,
      after,
      ...extra,
    };
  }

  function echo(task: FakeTask, field: string, after: unknown, event: string): void {
    const item = historyItem(task, field, after, HOOKGATE_USER);
    // ClickUp sends the specific event and, to taskUpdated subscribers, taskUpdated.
    for (const name of [event, "taskUpdated"]) {
      echoes.push({ event: name, history_items: [item], task_id: task.id, webhook_id: webhookId });
    }
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    let body: unknown;
    try {
      body = text ? (JSON.parse(text) as unknown) : null;
    } catch {
      body = text;
    }
    const path = decodeURI(new URL(request.url ?? "/", "http://x").pathname);
    const method = request.method ?? "GET";
    const call: Call = { method, path, body, status: 0 };
    calls.push(call);

    const send = (status: number, json: unknown, headers: Record<string, string> = {}) => {
      call.status = status;
      response.writeHead(status, { "content-type": "application/json", ...headers });
      response.end(JSON.stringify(json));
    };

    const next = queued.findIndex((q) => q.method === undefined || q.method === method);
    const failure = next >= 0 ? queued.splice(next, 1)[0]!.mode : outage;
    if (failure) {
      if ("reset" in failure) {
        call.status = -1;
        request.socket.destroy();
        return;
      }
      return send(failure.status, failure.body ?? { err: "Internal error", ECODE: "FAKE_001" }, failure.headers);
    }
    if (request.headers.authorization !== token) return send(401, { err: "Token invalid", ECODE: "OAUTH_025" });

    const match = /^\/api\/v2\/task\/([^/]+)(?:\/tag\/(.+))?$/.exec(path);
    const task = match ? tasks.get(match[1]!) : undefined;
    if (!match) return send(404, { err: "Route not found", ECODE: "APP_001" });
    if (!task) return send(404, { err: "Task not found", ECODE: "ITEM_013" });
    const tag = match[2];

    if (method === "GET" && tag === undefined) return send(200, task);
    if (method === "PUT" && tag === undefined) {
      const change = (body as { assignees?: { add?: number[]; rem?: number[] } } | null)?.assignees ?? {};
      for (const id of change.rem ?? []) {
        const before = task.assignees.length;
        task.assignees = task.assignees.filter((a) => a.id !== id);
        if (task.assignees.length !== before) echo(task, "assignee_rem", null, "taskAssigneeUpdated");
      }
      for (const id of change.add ?? []) {
        if (task.assignees.some((a) => a.id === id)) continue; // a set: adding twice is a no-op
        const user = { id, username: `user ${id}` };
        task.assignees.push(user);
        echo(task, "assignee_add", user, "taskAssigneeUpdated");
      }
      return send(200, task);
    }
    if (method === "POST" && tag !== undefined) {
      const name = tag.toLowerCase(); // ClickUp keeps tag names in lower case
      if (!task.tags.some((t) => t.name === name)) {
        const added = { name, tag_fg: "#ffffff", tag_bg: "#ff0000", creator: USER_ID };
        task.tags.push(added);
        echo(task, "tag", [added], "taskTagUpdated");
      }
      return send(200, {});
    }
    return send(405, { err: "Method not allowed", ECODE: "APP_002" });
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      response.writeHead(500);
      response.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}/api/v2`,
    token,
    calls,
    writes: () => calls.filter((c) => c.method !== "GET"),
    takeEchoes: () => echoes.splice(0),
    task: (id) => tasks.get(id),
    addTask(seed) {
      const task: FakeTask = {
        id: seed.id,
        name: `Task ${seed.id}`,
        list: { id: seed.listId },
        assignees: (seed.assignees ?? []).map((id) => ({ id, username: `user ${id}` })),
        tags: (seed.tags ?? []).map((name) => ({
          name: name.toLowerCase(),
          tag_fg: "#fff",
          tag_bg: "#000",
          creator: 1,
        })),
        custom_fields: [customerField(seed.customer ?? null), marketField(seed.market ?? null)],
      };
      tasks.set(task.id, task);
      return task;
    },
    humanSetsMarket(taskId, market) {
      const task = tasks.get(taskId);
      if (!task) throw new Error(`no task ${taskId}`);
      const index = task.custom_fields.findIndex((f) => (f as { id: string }).id === MARKET_FIELD_ID);
      task.custom_fields[index] = marketField(market);
      const item = historyItem(task, "custom_field", `opt-${market.toLowerCase()}`, HUMAN_USER, {
        custom_field: {
          id: MARKET_FIELD_ID,
          name: "Market",
          type: "drop_down",
          type_config: (marketField(market) as { type_config: unknown }).type_config,
        },
      });
      return { event: "taskUpdated", history_items: [item], task_id: task.id, webhook_id: webhookId };
    },
    failNext(times, mode, only) {
      for (let i = 0; i < times; i++) queued.push({ mode, method: only?.method });
    },
    down(mode) {
      outage = mode;
    },
    up() {
      outage = undefined;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

// The Customer field as short text, the Market field as a drop-down: the API gives a
// drop-down's value as the chosen option's orderindex, and omits `value` when empty.
function customerField(customer: string | null): unknown {
  return {
    id: CUSTOMER_FIELD_ID,
    name: "Customer",
    type: "short_text",
    type_config: {},
    date_created: "1700000000000",
    hide_from_guests: false,
    required: false,
    ...(customer === null ? {} : { value: customer }),
  };
}

function marketField(market: string | null): unknown {
  const options = MARKETS.map((name, orderindex) => ({
    id: `opt-${name.toLowerCase()}`,
    name,
    color: null,
    orderindex,
  }));
  if (market !== null && !MARKETS.includes(market))
    throw new Error(`the fake Market drop-down has no option ${market}`);
  return {
    id: MARKET_FIELD_ID,
    name: "Market",
    type: "drop_down",
    type_config: { default: 0, placeholder: null, options },
    date_created: "1700000000000",
    hide_from_guests: false,
    required: false,
    ...(market === null ? {} : { value: MARKETS.indexOf(market) }),
  };
}
