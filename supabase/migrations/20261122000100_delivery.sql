-- hookgate delivery: the attempt log, claiming with a lease, recording outcomes,
-- dead letters and replay.
--
-- Times come from the caller (`p_now`, defaulting to the database clock) so the worker,
-- its retry schedule and its tests share one clock. Every function is one round trip:
-- a claim returns the events with their bodies, and one call records a whole batch.

alter table hookgate.deliveries
  add column last_error_class text,
  add column delivered_at     timestamptz,
  add column dead_at          timestamptz,
  add column replays          integer not null default 0;

-- Dead letters are listed newest first, and replayed by filter.
create index deliveries_dead on hookgate.deliveries (dead_at desc, id desc) where status = 'dead';

-- The delivery log: one row per attempt (deferrals by an open breaker are not attempts).
create table hookgate.delivery_attempts (
  id           bigint generated always as identity primary key,
  delivery_id  bigint not null references hookgate.deliveries (id) on delete cascade,
  attempt      integer not null,
  attempted_at timestamptz not null,
  duration_ms  integer not null,
  outcome      text not null check (outcome in ('delivered', 'retry', 'dead')),
  status       integer,
  error_class  text,
  error        text,
  -- The first 1 KiB of the answer, as text.
  response     text
);
create index delivery_attempts_delivery on hookgate.delivery_attempts (delivery_id, id);

-- Claims up to p_limit due deliveries for this worker: pending ones whose time has
-- come, and in-flight ones whose lease has expired (a crashed attempt). `skip locked`
-- lets concurrent workers take disjoint sets; the lease keeps a claimed delivery from
-- every other worker until it is recorded or the lease runs out. Returns each
-- delivery with its event (raw body in base64) and the number of its next attempt.
create function public.hookgate_claim_deliveries(
  p_limit         integer,
  p_lease_seconds integer,
  p_destinations  jsonb default null,
  p_now           timestamptz default null
) returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_now    timestamptz := coalesce(p_now, now());
  v_until  timestamptz := coalesce(p_now, now()) + make_interval(secs => p_lease_seconds);
  v_result jsonb;
begin
  -- The ids come from an index scan in due order (deliveries_due), locked with skip
  -- locked; the update then finds them by primary key, however large the table grows.
  with claimed as (
    update hookgate.deliveries d
       set status = 'in_flight',
           lease_until = v_until,
           -- a leased delivery leaves the due range until its lease ends
           next_attempt_at = v_until,
           updated_at = now()
     where d.id = any (array(
             select x.id
               from hookgate.deliveries x
              where x.status in ('pending', 'in_flight')
                and x.next_attempt_at <= v_now
                and (x.lease_until is null or x.lease_until <= v_now)
                and (p_destinations is null or x.destination in (select jsonb_array_elements_text(p_destinations)))
              order by x.next_attempt_at
              limit greatest(p_limit, 0)
                for update skip locked))
    returning d.id, d.event_id, d.destination, d.attempts
  )
  select coalesce(jsonb_agg(jsonb_build_object(
           'id', c.id,
           'destination', c.destination,
           'attempt', c.attempts + 1,
           'event', jsonb_build_object(
             'id', e.id,
             'provider', e.provider,
             'type', e.event_type,
             'body', translate(encode(e.raw_body, 'base64'), E'\n', ''),
             'payload', e.payload,
             'headers', e.headers,
             'received_at', e.received_at)
         ) order by c.id), '[]'::jsonb)
    into v_result
    from claimed c
    join hookgate.events e on e.id = c.event_id;
  return v_result;
end
$$;

-- Records a batch of attempt outcomes in one call. Each element:
--   {id, attempt, outcome: delivered|retry|dead|deferred, next_attempt_at, attempted_at,
--    duration_ms, status, error_class, error, response}
-- An outcome counts only if the delivery is still in flight at attempt - 1 attempts:
-- a worker whose lease expired and was overtaken cannot overwrite the newer result.
-- `deferred` (breaker open) puts the delivery back without using an attempt.
-- Returns {recorded: [ids], stale: [ids]}.
create function public.hookgate_record_attempts(p_results jsonb)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_recorded jsonb;
begin
  with r as (
    select *
      from jsonb_to_recordset(coalesce(p_results, '[]'::jsonb)) as r (
        id bigint, attempt integer, outcome text, next_attempt_at timestamptz,
        attempted_at timestamptz, duration_ms integer, status integer,
        error_class text, error text, response text)
     where r.outcome in ('delivered', 'retry', 'dead', 'deferred')
  ), updated as (
    update hookgate.deliveries d
       set status = case r.outcome when 'delivered' then 'delivered' when 'dead' then 'dead' else 'pending' end,
           attempts = case r.outcome when 'deferred' then d.attempts else r.attempt end,
           next_attempt_at = case when r.outcome in ('retry', 'deferred')
                                  then coalesce(r.next_attempt_at, now()) else d.next_attempt_at end,
           lease_until = null,
           last_status = case r.outcome when 'deferred' then d.last_status else r.status end,
           last_error = case r.outcome when 'deferred' then d.last_error
                                        when 'delivered' then null else r.error end,
           last_error_class = case r.outcome when 'deferred' then d.last_error_class
                                              when 'delivered' then null else r.error_class end,
           delivered_at = case r.outcome when 'delivered' then coalesce(r.attempted_at, now()) else d.delivered_at end,
           dead_at = case r.outcome when 'dead' then coalesce(r.attempted_at, now()) else d.dead_at end,
           updated_at = now()
      from r
     where d.id = r.id
       and d.status = 'in_flight'
       and d.attempts = r.attempt - 1
    returning d.id, r.attempt, r.outcome, r.attempted_at, r.duration_ms, r.status, r.error_class, r.error, r.response
  ), logged as (
    insert into hookgate.delivery_attempts
      (delivery_id, attempt, attempted_at, duration_ms, outcome, status, error_class, error, response)
    select u.id, u.attempt, coalesce(u.attempted_at, now()), coalesce(u.duration_ms, 0), u.outcome,
           u.status, u.error_class, left(u.error, 1000), left(u.response, 1024)
      from updated u
     where u.outcome <> 'deferred'
  )
  select coalesce(jsonb_agg(u.id order by u.id), '[]'::jsonb) into v_recorded from updated u;

  return jsonb_build_object(
    'recorded', v_recorded,
    'stale', (select coalesce(jsonb_agg(x.id), '[]'::jsonb)
                from jsonb_to_recordset(coalesce(p_results, '[]'::jsonb)) as x (id bigint)
               where not v_recorded @> to_jsonb(x.id)));
end
$$;

-- One delivery with its event (body in base64) and its attempt log, newest first.
create function public.hookgate_get_delivery(p_id bigint)
returns jsonb
language sql
security definer
set search_path = ''
as $$
  select jsonb_build_object(
           'id', d.id,
           'destination', d.destination,
           'status', d.status,
           'attempts', d.attempts,
           'next_attempt_at', d.next_attempt_at,
           'last_status', d.last_status,
           'last_error', d.last_error,
           'last_error_class', d.last_error_class,
           'delivered_at', d.delivered_at,
           'dead_at', d.dead_at,
           'replays', d.replays,
           'created_at', d.created_at,
           'event', jsonb_build_object(
             'id', e.id,
             'provider', e.provider,
             'type', e.event_type,
             'verified', e.verified,
             'received_at', e.received_at,
             'body', translate(encode(e.raw_body, 'base64'), E'\n', ''),
             'payload', e.payload,
             'headers', e.headers),
           'log', (select coalesce(jsonb_agg(jsonb_build_object(
                            'attempt', a.attempt,
                            'attempted_at', a.attempted_at,
                            'duration_ms', a.duration_ms,
                            'outcome', a.outcome,
                            'status', a.status,
                            'error_class', a.error_class,
                            'error', a.error,
                            'response', a.response) order by a.id desc), '[]'::jsonb)
                     from (select * from hookgate.delivery_attempts
                            where delivery_id = d.id order by id desc limit 50) a))
    from hookgate.deliveries d
    join hookgate.events e on e.id = d.event_id
   where d.id = p_id;
$$;

-- The dead deliveries an operator's filter names, with their events' fields: the one
-- definition listing, counting and replaying share. Plain SQL without a SET clause, so
-- the planner inlines it into each caller (every name in it is schema-qualified).
create function hookgate.dead_letters(
  p_destination text,
  p_provider    text,
  p_event_type  text,
  p_since       timestamptz,
  p_until       timestamptz
) returns table (
  id bigint, destination text, attempts integer, last_status integer, last_error text,
  last_error_class text, dead_at timestamptz, replays integer,
  event_id uuid, provider text, event_type text, received_at timestamptz
)
language sql
stable
as $$
  select d.id, d.destination, d.attempts, d.last_status, d.last_error, d.last_error_class,
         d.dead_at, d.replays, e.id, e.provider, e.event_type, e.received_at
    from hookgate.deliveries d
    join hookgate.events e on e.id = d.event_id
   where d.status = 'dead'
     and (p_destination is null or d.destination = p_destination)
     and (p_provider is null or e.provider = p_provider)
     and (p_event_type is null or e.event_type = p_event_type)
     and (p_since is null or e.received_at >= p_since)
     and (p_until is null or e.received_at < p_until)
$$;
revoke all on function hookgate.dead_letters(text, text, text, timestamptz, timestamptz) from public;

-- Dead letters, newest first, filtered by destination / provider / event type / the
-- time the event was received, a page at a time (p_before_id: the last id seen).
create function public.hookgate_list_dead_letters(
  p_destination text default null,
  p_provider    text default null,
  p_event_type  text default null,
  p_since       timestamptz default null,
  p_until       timestamptz default null,
  p_limit       integer default 50,
  p_before_id   bigint default null
) returns jsonb
language sql
security definer
set search_path = ''
as $$
  with page as (
    select *
      from hookgate.dead_letters(p_destination, p_provider, p_event_type, p_since, p_until) d
     where p_before_id is null or d.id < p_before_id
     order by d.id desc
     limit least(greatest(coalesce(p_limit, 50), 1), 500)
  )
  select jsonb_build_object(
    'items', coalesce(jsonb_agg(jsonb_build_object(
               'id', p.id,
               'destination', p.destination,
               'event_id', p.event_id,
               'provider', p.provider,
               'event_type', p.event_type,
               'received_at', p.received_at,
               'dead_at', p.dead_at,
               'attempts', p.attempts,
               'replays', p.replays,
               'last_status', p.last_status,
               'last_error_class', p.last_error_class,
               'last_error', p.last_error) order by p.id desc), '[]'::jsonb),
    'next_before_id', case when count(*) >= least(greatest(coalesce(p_limit, 50), 1), 500) then min(p.id) end)
    from page p;
$$;

-- Puts dead deliveries back to pending with a fresh schedule: one (p_id), or every
-- dead delivery matching the filters. The delivery row (and so the event id the
-- forward's webhook-id is made from) stays the same, so receivers can still dedup.
-- With p_dry_run nothing changes: the answer only counts what would be replayed.
create function public.hookgate_replay(
  p_id          bigint default null,
  p_destination text default null,
  p_provider    text default null,
  p_event_type  text default null,
  p_since       timestamptz default null,
  p_until       timestamptz default null,
  p_dry_run     boolean default false,
  p_now         timestamptz default null,
  -- At most this many, oldest first (a bulk replay in batches, each a short transaction).
  p_limit       integer default null
) returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_count integer;
begin
  if p_dry_run then
    select count(*) into v_count
      from hookgate.dead_letters(p_destination, p_provider, p_event_type, p_since, p_until) m
     where p_id is null or m.id = p_id;
    return jsonb_build_object('dry_run', true, 'matched', v_count, 'replayed', 0);
  end if;

  update hookgate.deliveries d
     set status = 'pending',
         attempts = 0,
         next_attempt_at = coalesce(p_now, now()),
         lease_until = null,
         dead_at = null,
         replays = d.replays + 1,
         updated_at = now()
   where d.id in (
           select m.id
             from hookgate.dead_letters(p_destination, p_provider, p_event_type, p_since, p_until) m
            where p_id is null or m.id = p_id
            order by m.id
            limit p_limit)
     -- Rechecked under the row lock: a concurrent replay of the same row updates it once.
     and d.status = 'dead';
  get diagnostics v_count = row_count;
  return jsonb_build_object('dry_run', false, 'matched', v_count, 'replayed', v_count);
end
$$;

select hookgate.secure_functions();
