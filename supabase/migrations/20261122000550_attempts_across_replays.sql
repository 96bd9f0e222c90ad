-- Attempt numbers keep counting across replays: a replayed delivery's next attempt is
-- number attempts + 1, so the delivery log and the x-hookgate-attempt header never
-- show the same number twice. The retry schedule still starts over after a replay: it
-- reads the attempts made since (attempt - attempts_before_replay).

alter table hookgate.deliveries
  add column attempts_before_replay integer not null default 0;

-- As in 20261122000100_delivery.sql, and each claimed delivery also says how many of
-- its attempts came before its last replay.
create or replace function public.hookgate_claim_deliveries(
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
  with claimed as (
    update hookgate.deliveries d
       set status = 'in_flight',
           lease_until = v_until,
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
    returning d.id, d.event_id, d.destination, d.attempts, d.attempts_before_replay
  )
  select coalesce(jsonb_agg(jsonb_build_object(
           'id', c.id,
           'destination', c.destination,
           'attempt', c.attempts + 1,
           'attempts_before_replay', c.attempts_before_replay,
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

-- As in 20261122000100_delivery.sql, but the attempt count is kept (it was reset to 0,
-- so attempt numbers restarted): the replay marks where the new schedule begins.
create or replace function public.hookgate_replay(
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
         attempts_before_replay = d.attempts,
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
     and d.status = 'dead';
  get diagnostics v_count = row_count;
  return jsonb_build_object('dry_run', false, 'matched', v_count, 'replayed', v_count);
end
$$;

select hookgate.secure_functions();
