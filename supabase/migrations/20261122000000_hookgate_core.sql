-- hookgate core: events and their outbox deliveries.
--
-- Tables live in the `hookgate` schema, which the Supabase Data API does not expose.
-- The code reaches them only through the `public.hookgate_*` functions below:
-- security definer, an empty search_path, and execute for service_role only.
-- Runs unchanged on Supabase, PostgreSQL 15+ and PGlite.

do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'service_role') then
    create role service_role nologin;
  end if;
end
$$;

create schema if not exists hookgate;
revoke all on schema hookgate from public;

create table hookgate.events (
  id          uuid primary key default gen_random_uuid(),
  source      text not null,
  provider    text not null,
  dedup_key   text not null,
  event_type  text,
  verified    boolean not null,
  received_at timestamptz not null default now(),
  raw_body    bytea not null,
  -- The body parsed, when jsonb can hold it; raw_body is the record, this a convenience.
  payload     jsonb,
  -- Why payload is null although the body parsed (a lone surrogate, NUL, extreme nesting).
  payload_error text,
  headers     jsonb not null default '{}',
  -- Request arrival to record committed, as the gateway measured it (ack latency).
  ack_ms      integer,
  -- Repeats acknowledged as duplicates: how often the provider retried this event.
  -- When they arrived is counted in duplicate_arrivals (the metrics read that).
  duplicates  integer not null default 0,
  -- Keys are at most 200 bytes (the gateway hashes longer ones): a btree entry has a limit.
  constraint events_source_dedup_key unique (source, dedup_key)
);
create index events_received_at on hookgate.events (received_at);

-- Duplicates counted when they arrive, per provider and minute: a Stripe retry two days
-- after the original moves the last 15 minutes, not the day of the original. One small
-- row per provider and minute, however many repeats (a replay flood adds no rows).
create table hookgate.duplicate_arrivals (
  provider text not null,
  minute   timestamptz not null,
  count    integer not null,
  primary key (minute, provider)
);

create table hookgate.deliveries (
  id              bigint generated always as identity primary key,
  event_id        uuid not null references hookgate.events (id) on delete cascade,
  destination     text not null,
  status          text not null default 'pending'
                  check (status in ('pending', 'in_flight', 'delivered', 'dead')),
  attempts        integer not null default 0,
  next_attempt_at timestamptz not null default now(),
  lease_until     timestamptz,
  last_status     integer,
  last_error      text,
  created_at      timestamptz not null default now(),
  updated_at      timestamptz not null default now(),
  constraint deliveries_event_destination unique (event_id, destination)
);
-- The claim loop reads only unfinished deliveries in due order.
create index deliveries_due on hookgate.deliveries (next_attempt_at)
  where status in ('pending', 'in_flight');

-- Records one webhook and its deliveries in one transaction: the single round trip of
-- the hot path. A repeat of (source, dedup_key) records nothing and says so. New
-- deliveries come back already leased, for the attempt made right after the answer;
-- if that attempt never happens, the lease expires and the cron takes them.
create function public.hookgate_ingest(
  p_source        text,
  p_provider      text,
  p_dedup_key     text,
  p_event_type    text,
  p_verified      boolean,
  p_body_base64   text,
  p_payload       jsonb,
  -- Why the gateway sent no payload for a body that parsed (null: nothing was wrong).
  p_payload_error text,
  p_headers       jsonb,
  p_destinations  jsonb,
  p_lease_seconds integer,
  -- What the gateway spent on the request before this call; the function adds its own
  -- time, so ack_ms runs from arrival to commit (only the answer's return trip is missing).
  p_elapsed_ms    integer
) returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_event_id   uuid;
  v_deliveries jsonb := '[]'::jsonb;
begin
  insert into hookgate.events (source, provider, dedup_key, event_type, verified, raw_body, payload, payload_error, headers, ack_ms)
  values (p_source, p_provider, p_dedup_key, p_event_type, p_verified,
          decode(p_body_base64, 'base64'), p_payload, p_payload_error, coalesce(p_headers, '{}'::jsonb),
          p_elapsed_ms + ceil(extract(epoch from clock_timestamp() - statement_timestamp()) * 1000)::integer)
  on conflict (source, dedup_key) do nothing
  returning id into v_event_id;

  if v_event_id is null then
    update hookgate.events
       set duplicates = duplicates + 1
     where source = p_source and dedup_key = p_dedup_key
    returning id into v_event_id;
    insert into hookgate.duplicate_arrivals as a (provider, minute, count)
    values (p_provider, date_trunc('minute', now()), 1)
    on conflict (minute, provider) do update set count = a.count + 1;
    return jsonb_build_object('event_id', v_event_id, 'duplicate', true, 'deliveries', '[]'::jsonb);
  end if;

  -- Most events go nowhere or to few places: skip the statement when there are none.
  if jsonb_array_length(coalesce(p_destinations, '[]'::jsonb)) > 0 then
    with created as (
      insert into hookgate.deliveries (event_id, destination, status, lease_until)
      select v_event_id, d.destination, 'in_flight', now() + make_interval(secs => p_lease_seconds)
        from jsonb_array_elements_text(p_destinations) as d (destination)
      returning id, destination
    )
    select jsonb_agg(jsonb_build_object('id', id, 'destination', destination) order by id)
      into v_deliveries
      from created;
  end if;

  return jsonb_build_object('event_id', v_event_id, 'duplicate', false, 'deliveries', v_deliveries);
end
$$;

-- Readiness: proves the connection and that the migrations have run.
create function public.hookgate_ping()
returns jsonb
language sql
security definer
set search_path = ''
as $$
  select jsonb_build_object('ok', true, 'events', (select count(*) from hookgate.events where false));
$$;

-- Every public.hookgate_* function is callable by service_role only. Supabase grants
-- execute on new public functions to anon and authenticated by default, so each
-- migration ends by calling this to take that back.
create function hookgate.secure_functions()
returns void
language plpgsql
set search_path = ''
as $$
declare
  f regprocedure;
  r text;
begin
  for f in
    select p.oid::regprocedure
      from pg_proc p join pg_namespace n on n.oid = p.pronamespace
     where n.nspname = 'public' and p.proname like 'hookgate\_%'
  loop
    execute format('revoke all on function %s from public', f);
    foreach r in array array['anon', 'authenticated'] loop
      if exists (select 1 from pg_roles where rolname = r) then
        execute format('revoke all on function %s from %I', f, r);
      end if;
    end loop;
    execute format('grant execute on function %s to service_role', f);
  end loop;
end
$$;
revoke all on function hookgate.secure_functions() from public;

select hookgate.secure_functions();
