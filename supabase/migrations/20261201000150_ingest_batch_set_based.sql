-- Group commit, set-based: a batch is recorded by two or three statements, whatever its
-- size, instead of hookgate_ingest's two or three per item. On the bench's PostgreSQL the
-- per-statement cost (plan, executor start, function call) was most of a batch's time.
--
-- The semantics are hookgate_ingest's, item by item, exactly as the loop it replaces
-- (20261201000000_ingest_batch.sql) gave them:
-- - the first copy of a (source, dedup_key) in the batch is recorded when the key is new,
--   with its deliveries leased for the attempt made after the answer;
-- - every other copy, and every copy of a key already stored, is a duplicate: the event's
--   `duplicates` grows by one per copy and duplicate_arrivals counts it;
-- - one answer per item, in the order given; any failure fails the whole batch.
--
-- Locks are taken in key order (the insert's and the duplicates' update's), so two
-- processes' batches over the same keys cannot deadlock.
create or replace function public.hookgate_ingest_batch(p_items jsonb)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_results jsonb;
  v_recorded integer;
  v_duplicate_ids jsonb;
begin
  if jsonb_typeof(p_items) is distinct from 'array' then
    raise exception 'hookgate_ingest_batch: p_items must be a JSON array' using errcode = '22023';
  end if;

  -- 1. The new events and their deliveries; a duplicate's answer is completed in 2.
  with items as (
    select i.n, i.item->>'source' as source, i.item->>'dedup_key' as dedup_key, i.item
      from jsonb_array_elements(p_items) with ordinality as i (item, n)
  ),
  firsts as (
    select distinct on (source, dedup_key) n, source, dedup_key, item
      from items
     order by source, dedup_key, n
  ),
  recorded as (
    insert into hookgate.events as e
      (source, provider, dedup_key, event_type, verified, raw_body, payload, payload_error, headers, ack_ms)
    select f.source, f.item->>'provider', f.dedup_key, f.item->>'event_type', (f.item->>'verified')::boolean,
           decode(f.item->>'body_base64', 'base64'),
           -- A JSON null payload is SQL null, as a lone ingest stores it.
           nullif(f.item->'payload', 'null'::jsonb),
           f.item->>'payload_error', coalesce(f.item->'headers', '{}'::jsonb),
           (f.item->>'elapsed_ms')::integer
             + ceil(extract(epoch from clock_timestamp() - statement_timestamp()) * 1000)::integer
      from firsts f
     order by f.source, f.dedup_key
    on conflict (source, dedup_key) do nothing
    returning e.id, e.source, e.dedup_key
  ),
  leased as (
    insert into hookgate.deliveries as d (event_id, destination, status, lease_until)
    select r.id, t.destination, 'in_flight', now() + make_interval(secs => (f.item->>'lease_seconds')::integer)
      from recorded r
      join firsts f using (source, dedup_key)
     cross join lateral jsonb_array_elements_text(coalesce(f.item->'destinations', '[]'::jsonb))
             with ordinality as t (destination, ordinal)
     order by r.id, t.ordinal
    returning d.id, d.event_id, d.destination
  ),
  answers as (
    select i.n,
           case when r.id is null
                then jsonb_build_object('event_id', null, 'duplicate', true, 'deliveries', '[]'::jsonb)
                else jsonb_build_object(
                       'event_id', r.id, 'duplicate', false,
                       'deliveries', coalesce(
                         (select jsonb_agg(jsonb_build_object('id', l.id, 'destination', l.destination) order by l.id)
                            from leased l where l.event_id = r.id),
                         '[]'::jsonb))
           end as answer
      from items i
      left join firsts f on f.n = i.n
      left join recorded r on r.source = f.source and r.dedup_key = f.dedup_key
  )
  select jsonb_agg(a.answer order by a.n), count(*) filter (where a.answer->>'duplicate' = 'false')
    into v_results, v_recorded
    from answers a;

  if v_recorded = jsonb_array_length(p_items) then
    return coalesce(v_results, '[]'::jsonb);
  end if;

  -- 2. The duplicates: counted on their event (locked in key order) and per minute, and
  -- answered with its id. This statement sees the rows statement 1 inserted, and any that
  -- another transaction committed while statement 1 waited on its key.
  with duplicates as (
    select i.n - 1 as slot, i.item->>'source' as source, i.item->>'dedup_key' as dedup_key,
           i.item->>'provider' as provider
      from jsonb_array_elements(p_items) with ordinality as i (item, n)
     where (v_results -> (i.n::integer - 1)) ->> 'duplicate' = 'true'
  ),
  per_key as (
    select source, dedup_key, count(*) as copies from duplicates group by source, dedup_key
  ),
  locked as (
    select e.id, e.source, e.dedup_key
      from hookgate.events e
      join per_key k using (source, dedup_key)
     order by e.source, e.dedup_key
       for update of e
  ),
  counted as (
    update hookgate.events e
       set duplicates = e.duplicates + k.copies
      from locked l
      join per_key k using (source, dedup_key)
     where e.id = l.id
    returning e.id, e.source, e.dedup_key
  ),
  arrivals as (
    insert into hookgate.duplicate_arrivals as a (provider, minute, count)
    select provider, date_trunc('minute', now()), count(*) from duplicates group by provider
    on conflict (minute, provider) do update set count = a.count + excluded.count
  )
  select jsonb_object_agg(d.slot, c.id)
    into v_duplicate_ids
    from duplicates d
    left join counted c using (source, dedup_key);

  select jsonb_agg(
           case when v_duplicate_ids ? (x.n - 1)::text
                then jsonb_set(x.answer, '{event_id}', v_duplicate_ids -> (x.n - 1)::text)
                else x.answer
           end order by x.n)
    into v_results
    from jsonb_array_elements(v_results) with ordinality as x (answer, n);

  return v_results;
end
$$;

select hookgate.secure_functions();
