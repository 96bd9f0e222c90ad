-- Rejected requests: a bounded, sampled record, so an operator can tell an attack from
-- a mis-set secret (which reasons, from which IPs, with which headers).
--
-- Bounded three ways: the gateway samples (REJECTION_RECORDS_PER_MINUTE through a KV
-- counter, so an attack cannot turn into database writes), each row holds at most
-- 1 KiB of body and 8 KiB of headers, and every insert removes a few rows past
-- retention, so the table stays bounded even where no cleanup cron runs.
--
-- No personal data: a rejected request is often a real sender's (a rotated secret), so
-- the gateway keeps no body by default (body_prefix is empty); with
-- REJECTION_BODY_PREFIX_BYTES it keeps a short prefix with emails, phone numbers and
-- tokens already masked (lib/shield/rejections.ts). Header values are masked too.

create table hookgate.rejected_requests (
  id          bigint generated always as identity primary key,
  received_at timestamptz not null default now(),
  provider    text not null,
  reason      text not null,
  status      integer not null,
  client_ip   text not null,
  -- Signature, secret and credential headers are removed before they get here.
  headers     jsonb not null default '{}'
              check (octet_length(headers::text) <= 8192),
  body_prefix bytea not null default '' check (octet_length(body_prefix) <= 1024),
  body_bytes  integer
);
create index rejected_requests_received_at on hookgate.rejected_requests (received_at);

create function public.hookgate_record_rejection(
  p_provider           text,
  p_reason             text,
  p_status             integer,
  p_client_ip          text,
  p_headers            jsonb,
  p_body_prefix_base64 text,
  p_body_bytes         integer,
  p_retention_seconds  integer
) returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_id bigint;
begin
  insert into hookgate.rejected_requests (provider, reason, status, client_ip, headers, body_prefix, body_bytes)
  values (left(p_provider, 64), left(p_reason, 64), p_status, left(p_client_ip, 64),
          coalesce(p_headers, '{}'::jsonb), substring(decode(coalesce(p_body_prefix_base64, ''), 'base64') from 1 for 1024),
          p_body_bytes)
  returning id into v_id;

  -- Piggybacked retention: a few expired rows per insert, oldest first.
  delete from hookgate.rejected_requests
   where id in (select id from hookgate.rejected_requests
                 where received_at < now() - make_interval(secs => p_retention_seconds)
                 order by received_at limit 10);

  return jsonb_build_object('id', v_id);
end
$$;

-- Retention in bounded batches, for the cleanup cron: returns how many rows went.
create function public.hookgate_prune_rejections(p_retention_seconds integer, p_batch integer)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_deleted integer;
begin
  delete from hookgate.rejected_requests
   where id in (select id from hookgate.rejected_requests
                 where received_at < now() - make_interval(secs => p_retention_seconds)
                 order by received_at limit greatest(p_batch, 1));
  get diagnostics v_deleted = row_count;
  return jsonb_build_object('deleted', v_deleted);
end
$$;

-- The most recent rejections, newest first, for operators (bodies as base64).
create function public.hookgate_list_rejections(p_limit integer, p_before_id bigint default null)
returns jsonb
language sql
stable
security definer
set search_path = ''
as $$
  select coalesce(jsonb_agg(r order by r.id desc), '[]'::jsonb)
    from (select id, received_at, provider, reason, status, client_ip, headers,
                 encode(body_prefix, 'base64') as body_prefix_base64, body_bytes
            from hookgate.rejected_requests
           where p_before_id is null or id < p_before_id
           order by id desc
           limit least(greatest(p_limit, 1), 500)) as r;
$$;

select hookgate.secure_functions();
