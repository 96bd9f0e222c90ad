-- hookgate operations: the numbers (metrics, dashboard, weekly report), the admin
-- views of events, and retention in bounded batches.
--
-- Every figure an operator sees comes from hookgate_metrics, so /api/metrics, the
-- dashboard, the CLI and the alerts cannot disagree. Windows are relative to p_now
-- (the database clock by default), so tests pass a fixed time.

-- Success rates and the report read attempts by time.
create index delivery_attempts_attempted_at on hookgate.delivery_attempts (attempted_at);
-- Deleting a delivery sets the routing decision's delivery_id to null: without this
-- index every deleted delivery would scan the decisions table.
create index clickup_routing_decisions_delivery on hookgate.clickup_routing_decisions (delivery_id);
-- "Oldest pending delivery" reads the unfinished ones by age.
create index deliveries_unfinished_created on hookgate.deliveries (created_at)
  where status in ('pending', 'in_flight');

-- Every operational number, computed from the tables in one call:
--   events       received per provider and outcome (accepted, duplicate, rejected:<reason>)
--                over the last 15 minutes and 24 hours. Rejections come from the sampled
--                rejected_requests table, so they are a lower bound.
--   latency      the ack latency histogram (cumulative buckets in ms) over 24 h, and p50/p95/p99
--   deliveries   current deliveries per destination and status
--   attempts     attempts per destination and outcome over 15 minutes and 24 hours
--   success      delivered attempts / all attempts, over 15 minutes and 24 hours
--   dead_letters, oldest_pending_seconds
--   hourly       per provider, for each of the last 24 hours (0 = the latest): events,
--                attempts, delivered attempts (the dashboard's charts)
create function public.hookgate_metrics(p_now timestamptz default null)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_now    timestamptz := coalesce(p_now, now());
  v_15m    timestamptz := coalesce(p_now, now()) - interval '15 minutes';
  v_24h    timestamptz := coalesce(p_now, now()) - interval '24 hours';
  v_events jsonb;
  v_latency jsonb;
  v_deliveries jsonb;
  v_attempts jsonb;
  v_hourly jsonb;
  v_dead bigint;
  v_oldest timestamptz;
begin
  with recent as (
    select provider, received_at >= v_15m as in_15m
      from hookgate.events
     where received_at >= v_24h and received_at <= v_now
  ), counted as (
    select provider, 'accepted' as outcome, count(*) filter (where in_15m) as c15, count(*) as c24 from recent group by provider
    union all
    -- Duplicates by when they arrived (per minute: a minute that overlaps the window counts).
    select provider, 'duplicate', coalesce(sum(count) filter (where minute > v_15m - interval '1 minute'), 0), sum(count)
      from hookgate.duplicate_arrivals
     where minute > v_24h - interval '1 minute' and minute <= v_now
     group by provider
    union all
    select provider, 'rejected:' || reason, count(*) filter (where received_at >= v_15m), count(*)
      from hookgate.rejected_requests
     where received_at >= v_24h and received_at <= v_now
     group by provider, reason
  )
  select coalesce(jsonb_agg(jsonb_build_object('provider', provider, 'outcome', outcome, 'last_15m', c15, 'last_24h', c24)
                            order by provider, outcome), '[]'::jsonb)
    into v_events
    from counted;

  select jsonb_build_object(
           'count', count(ack_ms),
           'sum_ms', coalesce(sum(ack_ms), 0),
           'buckets', jsonb_build_array(
             jsonb_build_object('le_ms', 5, 'count', count(*) filter (where ack_ms <= 5)),
             jsonb_build_object('le_ms', 10, 'count', count(*) filter (where ack_ms <= 10)),
             jsonb_build_object('le_ms', 25, 'count', count(*) filter (where ack_ms <= 25)),
             jsonb_build_object('le_ms', 50, 'count', count(*) filter (where ack_ms <= 50)),
             jsonb_build_object('le_ms', 100, 'count', count(*) filter (where ack_ms <= 100)),
             jsonb_build_object('le_ms', 250, 'count', count(*) filter (where ack_ms <= 250)),
             jsonb_build_object('le_ms', 500, 'count', count(*) filter (where ack_ms <= 500)),
             jsonb_build_object('le_ms', 1000, 'count', count(*) filter (where ack_ms <= 1000)),
             jsonb_build_object('le_ms', 2500, 'count', count(*) filter (where ack_ms <= 2500)),
             jsonb_build_object('le_ms', 5000, 'count', count(*) filter (where ack_ms <= 5000)),
             jsonb_build_object('le_ms', 10000, 'count', count(*) filter (where ack_ms <= 10000))),
           'p50_ms', percentile_cont(0.5) within group (order by ack_ms),
           'p95_ms', percentile_cont(0.95) within group (order by ack_ms),
           'p99_ms', percentile_cont(0.99) within group (order by ack_ms),
           'p95_15m_ms', percentile_cont(0.95) within group (order by ack_ms) filter (where received_at >= v_15m))
    into v_latency
    from hookgate.events
   where received_at >= v_24h and received_at <= v_now and ack_ms is not null;

  select coalesce(jsonb_agg(jsonb_build_object('destination', destination, 'status', status, 'count', c)
                            order by destination, status), '[]'::jsonb)
    into v_deliveries
    from (select destination, status, count(*) as c from hookgate.deliveries group by destination, status) s;

  select coalesce(jsonb_agg(jsonb_build_object('destination', destination, 'outcome', outcome, 'last_15m', c15, 'last_24h', c24)
                            order by destination, outcome), '[]'::jsonb)
    into v_attempts
    from (select d.destination, a.outcome,
                 count(*) filter (where a.attempted_at >= v_15m) as c15, count(*) as c24
            from hookgate.delivery_attempts a
            join hookgate.deliveries d on d.id = a.delivery_id
           where a.attempted_at >= v_24h and a.attempted_at <= v_now
           group by d.destination, a.outcome) s;

  with buckets as (
    select provider, floor(extract(epoch from v_now - received_at) / 3600)::integer as hour, count(*) as events
      from hookgate.events
     where received_at > v_24h and received_at <= v_now
     group by 1, 2
  ), tries as (
    select e.provider, floor(extract(epoch from v_now - a.attempted_at) / 3600)::integer as hour,
           count(*) as attempts, count(*) filter (where a.outcome = 'delivered') as delivered
      from hookgate.delivery_attempts a
      join hookgate.deliveries d on d.id = a.delivery_id
      join hookgate.events e on e.id = d.event_id
     where a.attempted_at > v_24h and a.attempted_at <= v_now
     group by 1, 2
  )
  select coalesce(jsonb_agg(jsonb_build_object('provider', provider, 'hour', hour,
                                               'events', coalesce(b.events, 0),
                                               'attempts', coalesce(t.attempts, 0),
                                               'delivered', coalesce(t.delivered, 0))
                            order by provider, hour), '[]'::jsonb)
    into v_hourly
    from buckets b full join tries t using (provider, hour);

  select count(*) into v_dead from hookgate.deliveries where status = 'dead';
  select min(created_at) into v_oldest from hookgate.deliveries where status in ('pending', 'in_flight');

  return jsonb_build_object(
    'now', v_now,
    'events', v_events,
    'latency', v_latency,
    'deliveries', v_deliveries,
    'attempts', v_attempts,
    'success', jsonb_build_object(
      'last_15m', (select jsonb_build_object('attempts', coalesce(sum((x->>'last_15m')::bigint), 0),
                                             'delivered', coalesce(sum((x->>'last_15m')::bigint) filter (where x->>'outcome' = 'delivered'), 0))
                     from jsonb_array_elements(v_attempts) x),
      'last_24h', (select jsonb_build_object('attempts', coalesce(sum((x->>'last_24h')::bigint), 0),
                                             'delivered', coalesce(sum((x->>'last_24h')::bigint) filter (where x->>'outcome' = 'delivered'), 0))
                     from jsonb_array_elements(v_attempts) x)),
    'dead_letters', v_dead,
    'oldest_pending_seconds', case when v_oldest is null then null
                                   else greatest(0, extract(epoch from v_now - v_oldest)) end,
    'hourly', v_hourly);
end
$$;

-- The weekly report: the week ending at p_now and the one before it.
create function public.hookgate_report(p_now timestamptz default null, p_top integer default 5)
returns jsonb
language sql
stable
security definer
set search_path = ''
as $$
  with weeks as (
    select 'this_week' as week, coalesce(p_now, now()) - interval '7 days' as since, coalesce(p_now, now()) as until
    union all
    select 'last_week', coalesce(p_now, now()) - interval '14 days', coalesce(p_now, now()) - interval '7 days'
  )
  select jsonb_object_agg(w.week, jsonb_build_object(
           'since', w.since,
           'until', w.until,
           'events', (select count(*) from hookgate.events e where e.received_at >= w.since and e.received_at < w.until),
           -- Repeats acknowledged in the week, counted when they arrived.
           'duplicates', (select coalesce(sum(a.count), 0) from hookgate.duplicate_arrivals a
                           where a.minute >= w.since and a.minute < w.until),
           'p95_ms', (select percentile_cont(0.95) within group (order by e.ack_ms)
                        from hookgate.events e
                       where e.received_at >= w.since and e.received_at < w.until and e.ack_ms is not null),
           'attempts', (select count(*) from hookgate.delivery_attempts a
                         where a.attempted_at >= w.since and a.attempted_at < w.until),
           'delivered', (select count(*) from hookgate.delivery_attempts a
                          where a.attempted_at >= w.since and a.attempted_at < w.until and a.outcome = 'delivered'),
           'dead_lettered', (select count(*) from hookgate.deliveries d
                              where d.status = 'dead' and d.dead_at >= w.since and d.dead_at < w.until),
           'top_failing', (select coalesce(jsonb_agg(jsonb_build_object('destination', f.destination, 'failed', f.failed, 'attempts', f.attempts)
                                                     order by f.failed desc, f.destination), '[]'::jsonb)
                             from (select d.destination,
                                          count(*) filter (where a.outcome <> 'delivered') as failed,
                                          count(*) as attempts
                                     from hookgate.delivery_attempts a
                                     join hookgate.deliveries d on d.id = a.delivery_id
                                    where a.attempted_at >= w.since and a.attempted_at < w.until
                                    group by d.destination
                                   having count(*) filter (where a.outcome <> 'delivered') > 0
                                    order by 2 desc, 1
                                    limit greatest(coalesce(p_top, 5), 1)) f)))
    from weeks w;
$$;

-- Events, newest first, filtered; a page at a time. The cursor is the last row's
-- (received_at, id). An event's status sums up its deliveries: dead if any is dead,
-- else pending if any is unfinished, else delivered, or `none` when it has none.
create function public.hookgate_list_events(
  p_provider        text default null,
  p_event_type      text default null,
  p_status          text default null,
  p_dedup_key       text default null,
  p_since           timestamptz default null,
  p_until           timestamptz default null,
  p_limit           integer default 50,
  p_before_received timestamptz default null,
  p_before_id       uuid default null
) returns jsonb
language sql
stable
security definer
set search_path = ''
as $$
  with page as (
    select e.id, e.provider, e.event_type, e.dedup_key, e.verified, e.received_at, e.ack_ms, e.duplicates,
           s.status, s.deliveries,
           row_number() over (order by e.received_at desc, e.id desc) as n
      from hookgate.events e
      cross join lateral (
        select count(*) as deliveries,
               case when count(*) = 0 then 'none'
                    when bool_or(d.status = 'dead') then 'dead'
                    when bool_or(d.status in ('pending', 'in_flight')) then 'pending'
                    else 'delivered' end as status
          from hookgate.deliveries d where d.event_id = e.id) s
     where (p_provider is null or e.provider = p_provider)
       and (p_event_type is null or e.event_type = p_event_type)
       and (p_dedup_key is null or e.dedup_key = p_dedup_key)
       and (p_since is null or e.received_at >= p_since)
       and (p_until is null or e.received_at < p_until)
       and (p_status is null or s.status = p_status)
       and (p_before_received is null
            or e.received_at < p_before_received
            or (e.received_at = p_before_received and p_before_id is not null and e.id < p_before_id))
     order by e.received_at desc, e.id desc
     -- one more than the page, to know whether another follows
     limit least(greatest(coalesce(p_limit, 50), 1), 500) + 1
  )
  select jsonb_build_object(
    'items', coalesce(jsonb_agg(jsonb_build_object(
               'id', p.id, 'provider', p.provider, 'event_type', p.event_type, 'dedup_key', p.dedup_key,
               'verified', p.verified, 'received_at', p.received_at, 'ack_ms', p.ack_ms,
               'duplicates', p.duplicates, 'status', p.status, 'deliveries', p.deliveries)
             order by p.received_at desc, p.id desc)
             filter (where p.n <= least(greatest(coalesce(p_limit, 50), 1), 500)), '[]'::jsonb),
    'more', count(*) > least(greatest(coalesce(p_limit, 50), 1), 500))
    from page p;
$$;

-- One event with its deliveries and every attempt of each (oldest first), the body in
-- base64 (at most 64 KiB of it; body_bytes says how long it was).
create function public.hookgate_get_event(p_id uuid)
returns jsonb
language sql
stable
security definer
set search_path = ''
as $$
  select jsonb_build_object(
           'id', e.id, 'source', e.source, 'provider', e.provider, 'event_type', e.event_type,
           'dedup_key', e.dedup_key, 'verified', e.verified, 'received_at', e.received_at,
           'ack_ms', e.ack_ms, 'duplicates', e.duplicates, 'headers', e.headers, 'payload', e.payload,
           'payload_error', e.payload_error,
           'body_bytes', octet_length(e.raw_body),
           'body_base64', translate(encode(substring(e.raw_body from 1 for 65536), 'base64'), E'\n', ''),
           'deliveries', (select coalesce(jsonb_agg(jsonb_build_object(
                             'id', d.id, 'destination', d.destination, 'status', d.status, 'attempts', d.attempts,
                             'next_attempt_at', d.next_attempt_at, 'last_status', d.last_status,
                             'last_error_class', d.last_error_class, 'last_error', d.last_error,
                             'delivered_at', d.delivered_at, 'dead_at', d.dead_at, 'replays', d.replays,
                             'created_at', d.created_at,
                             'log', (select coalesce(jsonb_agg(jsonb_build_object(
                                              'attempt', a.attempt, 'attempted_at', a.attempted_at,
                                              'duration_ms', a.duration_ms, 'outcome', a.outcome, 'status', a.status,
                                              'error_class', a.error_class, 'error', a.error, 'response', a.response)
                                            order by a.id), '[]'::jsonb)
                                       from hookgate.delivery_attempts a where a.delivery_id = d.id))
                           order by d.id), '[]'::jsonb)
                            from hookgate.deliveries d where d.event_id = e.id))
    from hookgate.events e
   where e.id = p_id;
$$;

-- Retention, one bounded batch per call (the cleanup cron calls it until nothing is
-- left or its time is nearly up). An event goes, with its deliveries and their
-- attempts, when it was received longer ago than its retention (never less than the
-- dedup window: a provider retrying within it must still be recognised as a repeat)
-- and none of its deliveries is pending, in flight, or a dead letter still kept.
-- Returns how many rows went, and whether the batch was full (more may be waiting).
-- True when every delivery of the event is delivered, or dead since before p_dead_cutoff
-- (and when it has none). Looked up per event through the (event_id, destination)
-- index: as an anti-join, the planner may instead scan every unfinished delivery for
-- each event, which a backlog of pending deliveries makes quadratic.
create function hookgate.deliveries_finished(p_event_id uuid, p_dead_cutoff timestamptz)
returns boolean
language sql
stable
set search_path = ''
as $$
  select coalesce(bool_and(d.status = 'delivered' or (d.status = 'dead' and d.dead_at < p_dead_cutoff)), true)
    from hookgate.deliveries d
   where d.event_id = p_event_id;
$$;
revoke all on function hookgate.deliveries_finished(uuid, timestamptz) from public;

create function public.hookgate_cleanup(
  p_retention_seconds  integer,
  p_dead_seconds       integer,
  p_dedup_seconds      integer,
  p_batch              integer,
  p_now                timestamptz default null
) returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_now         timestamptz := coalesce(p_now, now());
  v_cutoff      timestamptz := coalesce(p_now, now()) - make_interval(secs => greatest(p_retention_seconds, p_dedup_seconds));
  v_dead_cutoff timestamptz := coalesce(p_now, now()) - make_interval(secs => p_dead_seconds);
  v_batch       integer := least(greatest(coalesce(p_batch, 1000), 1), 50000);
  v_candidates  uuid[];
  v_attempts    integer;
  v_deliveries  integer;
  v_deleted     integer;
begin
  -- A lost delete is redone by the next run, so this transaction's commit need not
  -- wait for its WAL to reach disk (the rest of the caller's transaction included).
  perform set_config('synchronous_commit', 'off', true);
  v_candidates := array(
    select e.id
      from hookgate.events e
     where e.received_at < v_cutoff
       and hookgate.deliveries_finished(e.id, v_dead_cutoff)
     order by e.received_at
     limit v_batch);

  -- Their finished deliveries, with the attempts of each. Each row's condition is
  -- checked again as it is deleted (and a concurrent change is waited for), so a
  -- delivery a replay made pending meanwhile stays, and keeps its event below. No
  -- explicit row locks: they would double the writes of a delete-heavy transaction.
  with gone as (
    delete from hookgate.deliveries d
     where d.event_id = any(v_candidates)
       and (d.status = 'delivered' or (d.status = 'dead' and d.dead_at < v_dead_cutoff))
    returning d.id
  ), gone_attempts as (
    delete from hookgate.delivery_attempts a using gone where a.delivery_id = gone.id
    returning 1
  )
  select (select count(*) from gone), (select count(*) from gone_attempts) into v_deliveries, v_attempts;

  -- The events left with no delivery (deliveries_finished is true of none).
  delete from hookgate.events e
   where e.id = any(v_candidates)
     and hookgate.deliveries_finished(e.id, v_dead_cutoff);
  get diagnostics v_deleted = row_count;

  -- Duplicate counts go with the events' retention, but stay at least the two weeks the
  -- weekly report compares. One row per provider and minute: a plain delete is small.
  delete from hookgate.duplicate_arrivals
   where minute < least(v_cutoff, v_now - interval '15 days');

  return jsonb_build_object(
    'events', v_deleted,
    'deliveries', v_deliveries,
    'attempts', v_attempts,
    'more', coalesce(array_length(v_candidates, 1), 0) >= v_batch,
    'cutoff', v_cutoff,
    'dead_cutoff', v_dead_cutoff);
end
$$;

select hookgate.secure_functions();
