-- hookgate console: the event list of the dashboard (free text, and the arrival
-- statuses accepted and duplicate), and "retry now" for pending deliveries.

-- Events, newest first, filtered; a page at a time. The cursor is the last row's
-- (received_at, id). An event's status sums up its deliveries: dead if any is dead,
-- else pending if any is unfinished, else delivered, or `none` when it has none.
-- p_status also takes two arrival statuses: `duplicate` (the provider sent it again at
-- least once, each repeat acknowledged as a duplicate) and `accepted` (sent once).
-- p_search: free text over the event id (its beginning) and the dedup key (anywhere in
-- it), both case-insensitive; plain text, no pattern characters.
-- Replaces the function of 20261122000400_operations.sql: a new argument is a new
-- signature, so the old one is dropped rather than left as an overload.
drop function public.hookgate_list_events(text, text, text, text, timestamptz, timestamptz, integer, timestamptz, uuid);

create function public.hookgate_list_events(
  p_provider        text default null,
  p_event_type      text default null,
  p_status          text default null,
  p_dedup_key       text default null,
  p_search          text default null,
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
       and (p_search is null
            or starts_with(e.id::text, lower(p_search))
            or strpos(lower(e.dedup_key), lower(p_search)) > 0)
       and (p_since is null or e.received_at >= p_since)
       and (p_until is null or e.received_at < p_until)
       and (p_status is null
            or (p_status = 'duplicate' and e.duplicates > 0)
            or (p_status = 'accepted' and e.duplicates = 0)
            or s.status = p_status)
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

-- Retry now: makes pending deliveries due at once (one, p_id, or every pending one the
-- filters name), after a receiver was fixed. Pending rows move, and in-flight ones
-- whose lease has run out (their worker is gone: the next claim takes them anyway). An
-- in-flight delivery under a live lease is being attempted, and that attempt's outcome
-- decides what comes next: its lease and schedule stay untouched. A delivered or dead
-- one is not retried (a dead one is replayed). A delivery never becomes later than it was. The
-- engine still decides: an open breaker defers the claimed delivery again, without
-- using an attempt. With p_dry_run nothing changes: the answer counts what would move.
create function public.hookgate_retry_now(
  p_id          bigint default null,
  p_destination text default null,
  p_provider    text default null,
  p_event_type  text default null,
  p_since       timestamptz default null,
  p_until       timestamptz default null,
  p_dry_run     boolean default false,
  p_now         timestamptz default null,
  p_limit       integer default null
) returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_now   timestamptz := coalesce(p_now, now());
  v_count integer;
begin
  if p_dry_run then
    select count(*) into v_count
      from hookgate.deliveries d
      join hookgate.events e on e.id = d.event_id
     where (d.status = 'pending' or (d.status = 'in_flight' and d.lease_until <= v_now))
       and (p_id is null or d.id = p_id)
       and (p_destination is null or d.destination = p_destination)
       and (p_provider is null or e.provider = p_provider)
       and (p_event_type is null or e.event_type = p_event_type)
       and (p_since is null or e.received_at >= p_since)
       and (p_until is null or e.received_at < p_until);
    return jsonb_build_object('dry_run', true, 'matched', v_count, 'retried', 0);
  end if;

  update hookgate.deliveries d
     set next_attempt_at = least(d.next_attempt_at, v_now),
         updated_at = now()
   where d.id in (
           select x.id
             from hookgate.deliveries x
             join hookgate.events e on e.id = x.event_id
            where (x.status = 'pending' or (x.status = 'in_flight' and x.lease_until <= v_now))
              and (p_id is null or x.id = p_id)
              and (p_destination is null or x.destination = p_destination)
              and (p_provider is null or e.provider = p_provider)
              and (p_event_type is null or e.event_type = p_event_type)
              and (p_since is null or e.received_at >= p_since)
              and (p_until is null or e.received_at < p_until)
            order by x.id
            limit p_limit)
     -- Rechecked under the row lock: a worker that claimed it meanwhile keeps it.
     and (d.status = 'pending' or (d.status = 'in_flight' and d.lease_until <= v_now));
  get diagnostics v_count = row_count;
  return jsonb_build_object('dry_run', false, 'matched', v_count, 'retried', v_count);
end
$$;

select hookgate.secure_functions();
