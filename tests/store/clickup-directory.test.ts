// The directory and the decision log in SQL, on PGlite and (with DATABASE_URL) real
// PostgreSQL: the seed file loads and reloads, lookups match names as the rules do,
// decisions are recorded once per event, and only service_role reaches any of it.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decide } from "../../lib/destinations/clickup/rules.js";
import { SEED_FILE } from "../../lib/store/seed.js";
import { startFakeClickUp, type FakeClickUp } from "../support/clickup-api.js";
import { openHarness, routingEnv, STORES, type Harness } from "../destinations/clickup/harness.js";

const seed = readFileSync(SEED_FILE, "utf8");

describe.each(STORES)("routing directory on $name", ({ name, skip }) => {
  let api: FakeClickUp;
  let h: Harness;
  beforeAll(async () => {
    if (skip) return;
    api = await startFakeClickUp();
    h = await openHarness(name, routingEnv(api));
  });
  afterAll(async () => {
    await h?.close();
    await api?.close();
  });

  it.skipIf(skip)("loads supabase/seed.sql, and loads it again as an update", async () => {
    await h.sql(seed);
    await h.sql(seed.replace("('Lisbon', 81234570, null)", "('Lisbon', 99, 'changed')"));
    const markets = await h.query<{ name: string; ops_owner_id: string | number | null }>(
      "select name, ops_owner_id from hookgate.clickup_markets order by name",
    );
    const owners = markets.map((m) => [m.name, m.ops_owner_id === null ? null : Number(m.ops_owner_id)]);
    expect(owners).toEqual([
      ["Faro", null],
      ["Lisbon", 99],
      ["Porto", 81234571],
    ]);
  });

  it.skipIf(skip)("looks entries up ignoring case and extra spaces", async () => {
    const directory = await h.gateway.store.clickup.lookupDirectory({ customer: " acme  hotels", market: "FARO" });
    expect(directory).toEqual({
      customers: [{ name: "Acme Hotels", vip: true, cxOwner: 81234567 }],
      markets: [{ name: "Faro", opsOwner: null }],
    });
    expect(await h.gateway.store.clickup.lookupDirectory({ customer: null, market: null })).toEqual({
      customers: [],
      markets: [],
    });
  });

  it.skipIf(skip)("refuses a second entry whose name differs only in case", async () => {
    await expect(h.sql("insert into hookgate.clickup_customers (name) values ('ACME hotels')")).rejects.toThrow(
      /duplicate key/,
    );
  });

  it.skipIf(skip)("records one decision per event, replaced by a later attempt, readable by task", async () => {
    const { event_id, deliveries } = await h.gateway.store.events.ingest({
      source: "clickup",
      provider: "clickup",
      dedupKey: "directory-test",
      type: "taskCreated",
      verified: true,
      body: new TextEncoder().encode("{}"),
      payload: {},
      headers: {},
      destinations: ["clickup-router"],
      leaseSeconds: 60,
    });
    const facts = { customer: "Acme Hotels", market: "Faro" };
    const decision = decide(facts, await h.gateway.store.clickup.lookupDirectory(facts));
    const record = { eventId: event_id, deliveryId: deliveries[0]!.id, taskId: "t-dir", listId: "1", facts, decision };
    await h.gateway.store.clickup.recordDecision({ ...record, attempt: 1 });
    await h.gateway.store.clickup.recordDecision({ ...record, attempt: 2 });

    const [read, ...others] = await h.gateway.store.clickup.routingDecisions({ taskId: "t-dir" });
    expect(others).toEqual([]);
    expect(read).toMatchObject({
      event_id,
      event_type: "taskCreated",
      task_id: "t-dir",
      customer: "Acme Hotels",
      market: "Faro",
      assignees: [81234567],
      tags: ["Needs Ops Routing"],
      attempt: 2,
      delivery_status: "in_flight",
    });
    expect(read!.reasons.map((r) => r.branch)).toEqual(["vip_customer_owner", "market_without_owner"]);
    expect(await h.gateway.store.clickup.routingDecisions({ eventId: event_id })).toHaveLength(1);
  });

  it.skipIf(skip)("lets only service_role call the functions, and nobody reach the tables directly", async () => {
    const role = `hookgate_nobody_${Math.random().toString(36).slice(2, 8)}`;
    await h.sql(`create role ${role} nologin`);
    try {
      const [row] = await h.query<Record<string, boolean>>(`
        select has_function_privilege('${role}', 'public.hookgate_clickup_directory_lookup(text, text)', 'execute') as nobody_lookup,
               has_function_privilege('${role}', 'public.hookgate_clickup_routing_decisions(text, uuid, integer)', 'execute') as nobody_read,
               has_function_privilege('service_role', 'public.hookgate_clickup_record_decision(uuid, bigint, text, text, text, text, jsonb, jsonb, jsonb, integer)', 'execute') as service_record,
               has_schema_privilege('service_role', 'hookgate', 'usage') as service_schema`);
      expect(row).toEqual({ nobody_lookup: false, nobody_read: false, service_record: true, service_schema: false });
    } finally {
      await h.sql(`drop role ${role}`);
    }
  });
});
