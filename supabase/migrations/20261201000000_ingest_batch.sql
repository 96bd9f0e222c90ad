-- Group commit: the ingests that queued up behind an in-flight store call leave together
-- as one call of this function (lib/store/group-commit.ts): one round trip and one commit
-- for many webhooks.
--
-- Each item is recorded by hookgate_ingest itself, inside this one transaction: the
-- dedup, the duplicate counts and the outbox are exactly a lone ingest's, and two copies
-- of one event in the same batch give one new event and one duplicate (the earlier one
-- is recorded, the later meets its row). Any failure fails the whole batch: no item is
-- answered unless every item is committed.
--
-- Items are recorded in the order of their keys, not as given: a batch holds row locks
-- until it commits, and two processes' batches taking the same events in opposite orders
-- would deadlock. In key order, every batch takes its locks in one order.
--
-- p_items: a JSON array of objects with the arguments of hookgate_ingest, named without
-- their `p_` (source, provider, dedup_key, event_type, verified, body_base64, payload,
-- payload_error, headers, destinations, lease_seconds, elapsed_ms). Answers a JSON array
-- with hookgate_ingest's answer for each item, in the same order.
create function public.hookgate_ingest_batch(p_items jsonb)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_item    jsonb;
  v_n       bigint;
  v_results jsonb[];
begin
  if jsonb_typeof(p_items) is distinct from 'array' then
    raise exception 'hookgate_ingest_batch: p_items must be a JSON array' using errcode = '22023';
  end if;

  v_results := array_fill(null::jsonb, array[jsonb_array_length(p_items)]);
  for v_item, v_n in
    select value, ordinality from jsonb_array_elements(p_items) with ordinality
     order by value->>'source', value->>'dedup_key', ordinality
  loop
    v_results[v_n] := public.hookgate_ingest(
      p_source        => v_item->>'source',
      p_provider      => v_item->>'provider',
      p_dedup_key     => v_item->>'dedup_key',
      p_event_type    => v_item->>'event_type',
      p_verified      => (v_item->>'verified')::boolean,
      p_body_base64   => v_item->>'body_base64',
      -- A JSON null payload is SQL null, as a lone ingest stores it.
      p_payload       => nullif(v_item->'payload', 'null'::jsonb),
      p_payload_error => v_item->>'payload_error',
      p_headers       => v_item->'headers',
      p_destinations  => v_item->'destinations',
      p_lease_seconds => (v_item->>'lease_seconds')::integer,
      p_elapsed_ms    => (v_item->>'elapsed_ms')::integer
    );
  end loop;

  return to_jsonb(v_results);
end
$$;

select hookgate.secure_functions();
