-- ClickUp ticket routing: the directory the rules read (customers and markets with
-- their owners) and the decision taken for each routed event (the audit answer to
-- "why was this routed to her?").
--
-- The team edits the directory with plain SQL (supabase/seed.sql, the Supabase SQL
-- editor, psql); the code reads and writes only through the public.hookgate_clickup_*
-- functions below. Owners are ClickUp user ids (the `id` of a member in ClickUp).

create table hookgate.clickup_customers (
  name        text not null check (btrim(name) <> ''),
  -- Task field values match a name ignoring case and extra spaces (lib/destinations/clickup/rules.ts).
  key         text generated always as (lower(regexp_replace(btrim(name), '\s+', ' ', 'g'))) stored primary key,
  vip         boolean not null default false,
  cx_owner_id bigint,
  notes       text,
  updated_at  timestamptz not null default now()
);
comment on table hookgate.clickup_customers is
  'ClickUp routing: customers by the name their tasks carry in the Customer field. cx_owner_id is a ClickUp user id; null tags the task "Needs CX Routing".';

create table hookgate.clickup_markets (
  name         text not null check (btrim(name) <> ''),
  key          text generated always as (lower(regexp_replace(btrim(name), '\s+', ' ', 'g'))) stored primary key,
  ops_owner_id bigint,
  notes        text,
  updated_at   timestamptz not null default now()
);
comment on table hookgate.clickup_markets is
  'ClickUp routing: markets by the name their tasks carry in the Market field. ops_owner_id is the primary Ops owner''s ClickUp user id; null tags the task "Needs Ops Routing".';

-- One decision per routed event: the latest one taken for it (a retry or a replay
-- decides again against the directory of that moment, and that is what it applied).
create table hookgate.clickup_routing_decisions (
  event_id    uuid primary key references hookgate.events (id) on delete cascade,
  delivery_id bigint references hookgate.deliveries (id) on delete set null,
  task_id     text not null,
  list_id     text,
  customer    text,
  market      text,
  assignees   jsonb not null,
  tags        jsonb not null,
  reasons     jsonb not null,
  attempt     integer not null,
  decided_at  timestamptz not null default now()
);
create index clickup_routing_decisions_task on hookgate.clickup_routing_decisions (task_id, decided_at desc);

-- The directory entries a task's customer and market name: at most one of each.
create function public.hookgate_clickup_directory_lookup(p_customer text, p_market text)
returns jsonb
language sql
stable
security definer
set search_path = ''
as $$
  select jsonb_build_object(
    'customers', coalesce((
      select jsonb_agg(jsonb_build_object('name', c.name, 'vip', c.vip, 'cx_owner_id', c.cx_owner_id))
        from hookgate.clickup_customers c
       where c.key = lower(regexp_replace(btrim(p_customer), '\s+', ' ', 'g'))), '[]'::jsonb),
    'markets', coalesce((
      select jsonb_agg(jsonb_build_object('name', m.name, 'ops_owner_id', m.ops_owner_id))
        from hookgate.clickup_markets m
       where m.key = lower(regexp_replace(btrim(p_market), '\s+', ' ', 'g'))), '[]'::jsonb)
  );
$$;

-- Records (or, on a retry or replay, replaces) the decision for an event.
create function public.hookgate_clickup_record_decision(
  p_event_id    uuid,
  p_delivery_id bigint,
  p_task_id     text,
  p_list_id     text,
  p_customer    text,
  p_market      text,
  p_assignees   jsonb,
  p_tags        jsonb,
  p_reasons     jsonb,
  p_attempt     integer
) returns jsonb
language sql
security definer
set search_path = ''
as $$
  insert into hookgate.clickup_routing_decisions as d
    (event_id, delivery_id, task_id, list_id, customer, market, assignees, tags, reasons, attempt)
  values (p_event_id, p_delivery_id, p_task_id, p_list_id, p_customer, p_market, p_assignees, p_tags, p_reasons, p_attempt)
  on conflict (event_id) do update
    set delivery_id = excluded.delivery_id, task_id = excluded.task_id, list_id = excluded.list_id,
        customer = excluded.customer, market = excluded.market, assignees = excluded.assignees,
        tags = excluded.tags, reasons = excluded.reasons, attempt = excluded.attempt, decided_at = now()
  returning jsonb_build_object('event_id', d.event_id, 'decided_at', d.decided_at);
$$;

-- The decisions for a task (newest first) or for one event, with the delivery's
-- status, so a reader sees both why and whether it was applied.
create function public.hookgate_clickup_routing_decisions(
  p_task_id  text default null,
  p_event_id uuid default null,
  p_limit    integer default 20
) returns jsonb
language sql
stable
security definer
set search_path = ''
as $$
  select coalesce(jsonb_agg(row_json order by decided_at desc), '[]'::jsonb)
    from (
      select d.decided_at,
             jsonb_build_object(
               'event_id', d.event_id, 'event_type', e.event_type, 'received_at', e.received_at,
               'task_id', d.task_id, 'list_id', d.list_id, 'customer', d.customer, 'market', d.market,
               'assignees', d.assignees, 'tags', d.tags, 'reasons', d.reasons,
               'attempt', d.attempt, 'decided_at', d.decided_at,
               'delivery_id', d.delivery_id, 'delivery_status', dl.status) as row_json
        from hookgate.clickup_routing_decisions d
        join hookgate.events e on e.id = d.event_id
        left join hookgate.deliveries dl on dl.id = d.delivery_id
       where (p_task_id is null or d.task_id = p_task_id)
         and (p_event_id is null or d.event_id = p_event_id)
       order by d.decided_at desc
       limit greatest(1, least(coalesce(p_limit, 20), 500))
    ) recent;
$$;

select hookgate.secure_functions();
