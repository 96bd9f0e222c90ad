-- WhatsApp onboarding (lib/destinations/whatsapp): the people who write in, their
-- one-time codes (hashed), their preferences, what each inbound message did, and the
-- messages sent to them (the Twilio sid of each, so a retry never texts twice).
--
-- The rules are TypeScript (lib/destinations/whatsapp/rules.ts, pure); these functions
-- read a user's state in one call and write a decision in one transaction: the user
-- change, its code, and the outbox events it publishes (user.* events and the
-- outgoing messages, each recorded by hookgate_ingest with its deliveries). A write
-- names the version it was decided on, so two decisions made at once cannot both land.

create table hookgate.whatsapp_users (
  id           uuid primary key default gen_random_uuid(),
  -- E.164, as Twilio gives it without the `whatsapp:` prefix.
  phone        text not null unique check (phone ~ '^\+[1-9][0-9]{6,14}$'),
  -- The channel the user first wrote on; preferences.channel may choose another.
  channel      text not null check (channel in ('whatsapp', 'sms')),
  profile_name text,
  wa_id        text,
  -- language, channel: set by keywords (LANG es) or the admin API.
  preferences  jsonb not null default '{}',
  verified_at  timestamptz,
  opted_out_at timestamptz,
  version      integer not null default 1,
  created_at   timestamptz not null default now(),
  updated_at   timestamptz not null default now()
);
create index whatsapp_users_created on hookgate.whatsapp_users (created_at desc, id desc);

-- The user's current code. Only an HMAC of it is kept (its key is not in the database).
create table hookgate.whatsapp_codes (
  user_id        uuid primary key references hookgate.whatsapp_users (id) on delete cascade,
  challenge_id   uuid not null,
  code_hash      text not null,
  issued_at      timestamptz not null,
  expires_at     timestamptz not null,
  wrong_attempts integer not null default 0,
  state          text not null check (state in ('pending', 'verified', 'void'))
);

-- When codes were issued, for the resend limits (1 a minute, 5 an hour); kept an hour.
create table hookgate.whatsapp_code_issues (
  user_id   uuid not null references hookgate.whatsapp_users (id) on delete cascade,
  issued_at timestamptz not null
);
create index whatsapp_code_issues_user on hookgate.whatsapp_code_issues (user_id, issued_at);

-- One row per inbound message handled: a retry or replay of the action changes nothing twice.
create table hookgate.whatsapp_inbound (
  event_id   uuid primary key references hookgate.events (id) on delete cascade,
  user_id    uuid references hookgate.whatsapp_users (id) on delete cascade,
  outcome    text not null,
  handled_at timestamptz not null default now()
);

-- One row per outgoing message, written BEFORE it is posted to Twilio and given the sid
-- Twilio answered with after: a row without a sid is a send whose answer may have been
-- lost, so the next attempt asks Twilio whether the message exists before posting again.
create table hookgate.whatsapp_sends (
  event_id      uuid primary key references hookgate.events (id) on delete cascade,
  user_id       uuid not null references hookgate.whatsapp_users (id) on delete cascade,
  kind          text not null,
  began_at      timestamptz not null default now(),
  twilio_sid    text,
  twilio_status text,
  sent_at       timestamptz
);

-- Lifetime counts for /api/metrics (hookgate_user_registrations_total and the otp ones):
-- kept apart from events, which retention deletes.
create table hookgate.whatsapp_counters (
  name  text primary key,
  value bigint not null default 0
);

-- What the rules decide with: the user (or null), their code, the codes issued in the
-- last minute and hour, and the outcome if this inbound event was handled already.
create function public.hookgate_whatsapp_snapshot(p_phone text, p_event_id uuid, p_now timestamptz default null)
returns jsonb
language sql
security definer
set search_path = ''
as $$
  with u as (select * from hookgate.whatsapp_users where phone = p_phone)
  select jsonb_build_object(
    'handled', (select outcome from hookgate.whatsapp_inbound where event_id = p_event_id),
    'user', (select to_jsonb(u) from u),
    'code', (select jsonb_build_object('challenge_id', c.challenge_id, 'code_hash', c.code_hash,
                                       'issued_at', c.issued_at, 'expires_at', c.expires_at,
                                       'wrong_attempts', c.wrong_attempts, 'state', c.state)
               from hookgate.whatsapp_codes c join u on u.id = c.user_id),
    'issued_last_minute', (select count(*) from hookgate.whatsapp_code_issues i join u on u.id = i.user_id
                            where i.issued_at > coalesce(p_now, now()) - interval '1 minute'),
    'issued_last_hour', (select count(*) from hookgate.whatsapp_code_issues i join u on u.id = i.user_id
                          where i.issued_at > coalesce(p_now, now()) - interval '1 hour'));
$$;

-- Records the outbox events of a decision (p_outbox: hookgate_ingest's arguments without
-- `p_`, source and provider `hookgate`), each with its deliveries; answers their results.
create function hookgate.whatsapp_outbox(p_outbox jsonb)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_item    jsonb;
  v_results jsonb := '[]'::jsonb;
begin
  for v_item in select value from jsonb_array_elements(coalesce(p_outbox, '[]'::jsonb)) loop
    v_results := v_results || jsonb_build_array(public.hookgate_ingest(
      p_source        => 'hookgate',
      p_provider      => 'hookgate',
      p_dedup_key     => v_item->>'dedup_key',
      p_event_type    => v_item->>'event_type',
      p_verified      => true,
      p_body_base64   => v_item->>'body_base64',
      p_payload       => v_item->'payload',
      p_payload_error => null,
      p_headers       => '{"content-type": "application/json"}'::jsonb,
      p_destinations  => v_item->'destinations',
      p_lease_seconds => (v_item->>'lease_seconds')::integer,
      p_elapsed_ms    => null));
  end loop;
  return v_results;
end
$$;

create function hookgate.whatsapp_count(p_counters jsonb)
returns void
language sql
set search_path = ''
as $$
  insert into hookgate.whatsapp_counters as c (name, value)
  select key, value::bigint from jsonb_each_text(coalesce(p_counters, '{}'::jsonb))
  on conflict (name) do update set value = c.value + excluded.value;
$$;

-- Writes one decision on an inbound message, in one transaction:
--   p_user:    the user's new state (id, phone, channel, profile_name, wa_id, preferences,
--              verified_at, opted_out_at); p_expected_version null creates them.
--   p_code:    the code's new state (null: unchanged), with `issued: true` for a new code.
--   p_outbox:  the events it publishes; p_counters: {name: increment}.
-- Answers {applied: false} when the user changed since the snapshot (or was created
-- meanwhile): the caller decides again.
create function public.hookgate_whatsapp_apply(
  p_event_id         uuid,
  p_expected_version integer,
  p_user             jsonb,
  p_code             jsonb,
  p_outbox           jsonb,
  p_counters         jsonb,
  p_outcome          text,
  p_now              timestamptz default null
) returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_now     timestamptz := coalesce(p_now, now());
  v_user_id uuid := (p_user->>'id')::uuid;
  v_found   uuid;
begin
  if exists (select 1 from hookgate.whatsapp_inbound where event_id = p_event_id) then
    return jsonb_build_object('applied', false, 'handled', true);
  end if;

  if p_expected_version is null then
    insert into hookgate.whatsapp_users (id, phone, channel, profile_name, wa_id, preferences, verified_at,
                                         opted_out_at, created_at, updated_at)
    values (v_user_id, p_user->>'phone', p_user->>'channel', p_user->>'profile_name', p_user->>'wa_id',
            coalesce(p_user->'preferences', '{}'::jsonb), (p_user->>'verified_at')::timestamptz,
            (p_user->>'opted_out_at')::timestamptz, v_now, v_now)
    on conflict (phone) do nothing
    returning id into v_found;
  else
    update hookgate.whatsapp_users
       set profile_name = p_user->>'profile_name',
           wa_id        = p_user->>'wa_id',
           preferences  = coalesce(p_user->'preferences', '{}'::jsonb),
           verified_at  = (p_user->>'verified_at')::timestamptz,
           opted_out_at = (p_user->>'opted_out_at')::timestamptz,
           version      = version + 1,
           updated_at   = v_now
     where id = v_user_id and version = p_expected_version
    returning id into v_found;
  end if;
  if v_found is null then
    return jsonb_build_object('applied', false, 'handled', false);
  end if;

  if p_code is not null then
    insert into hookgate.whatsapp_codes as c (user_id, challenge_id, code_hash, issued_at, expires_at,
                                             wrong_attempts, state)
    values (v_user_id, (p_code->>'challenge_id')::uuid, p_code->>'code_hash', (p_code->>'issued_at')::timestamptz,
            (p_code->>'expires_at')::timestamptz, (p_code->>'wrong_attempts')::integer, p_code->>'state')
    on conflict (user_id) do update
       set challenge_id = excluded.challenge_id, code_hash = excluded.code_hash, issued_at = excluded.issued_at,
           expires_at = excluded.expires_at, wrong_attempts = excluded.wrong_attempts, state = excluded.state;
    if (p_code->>'issued')::boolean then
      delete from hookgate.whatsapp_code_issues where user_id = v_user_id and issued_at <= v_now - interval '1 hour';
      insert into hookgate.whatsapp_code_issues (user_id, issued_at) values (v_user_id, v_now);
    end if;
  end if;

  insert into hookgate.whatsapp_inbound (event_id, user_id, outcome, handled_at)
  values (p_event_id, v_user_id, p_outcome, v_now);
  perform hookgate.whatsapp_count(p_counters);

  return jsonb_build_object('applied', true, 'handled', false, 'outbox', hookgate.whatsapp_outbox(p_outbox));
end
$$;

-- What a send needs: the recipient's number and opt-out; the sid if this message was
-- sent already; and whether an attempt began it before (its answer may have been lost).
-- Marks the send as begun unless it is sent or the user opted out. Null when the user is gone.
create function public.hookgate_whatsapp_begin_send(p_user_id uuid, p_event_id uuid, p_kind text)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_phone     text;
  v_opted_out boolean;
  v_send      hookgate.whatsapp_sends;
begin
  select phone, opted_out_at is not null into v_phone, v_opted_out from hookgate.whatsapp_users where id = p_user_id;
  if v_phone is null then
    return null;
  end if;
  select * into v_send from hookgate.whatsapp_sends where event_id = p_event_id;
  if v_send.event_id is null and not v_opted_out then
    insert into hookgate.whatsapp_sends (event_id, user_id, kind) values (p_event_id, p_user_id, p_kind);
  end if;
  return jsonb_build_object(
    'phone', v_phone,
    'opted_out', v_opted_out,
    'sent', case when v_send.twilio_sid is null then null
                 else jsonb_build_object('sid', v_send.twilio_sid, 'status', v_send.twilio_status) end,
    'began_before', v_send.event_id is not null);
end
$$;

-- Records the sid Twilio gave a message (once: a second record of it changes nothing),
-- and counts a code sent.
create function public.hookgate_whatsapp_record_send(
  p_event_id uuid, p_user_id uuid, p_kind text, p_sid text, p_status text
) returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_recorded boolean;
begin
  insert into hookgate.whatsapp_sends as s (event_id, user_id, kind, twilio_sid, twilio_status, sent_at)
  values (p_event_id, p_user_id, p_kind, p_sid, p_status, now())
  on conflict (event_id) do update
     set twilio_sid = excluded.twilio_sid, twilio_status = excluded.twilio_status, sent_at = excluded.sent_at
   where s.twilio_sid is null;
  v_recorded := found;
  if v_recorded and p_kind = 'code' then
    perform hookgate.whatsapp_count('{"otp_sent": 1}'::jsonb);
  end if;
  return jsonb_build_object('recorded', v_recorded);
end
$$;

-- Users for operators (the admin API, the CLI, the dashboard), newest first, or one by
-- id or phone; each with the state of their code (never the code or its hash).
create function public.hookgate_whatsapp_users(
  p_id uuid, p_phone text, p_limit integer, p_now timestamptz default null
) returns jsonb
language sql
security definer
set search_path = ''
as $$
  select coalesce(jsonb_agg(item order by created_at desc, id desc), '[]'::jsonb)
    from (
      select u.created_at, u.id,
             to_jsonb(u) - 'version'
             || jsonb_build_object(
                  'verified', u.verified_at is not null,
                  'opted_out', u.opted_out_at is not null,
                  'code', case when c.user_id is null then jsonb_build_object('state', 'none')
                          else jsonb_build_object(
                            'state', case when c.state = 'pending' and c.expires_at <= coalesce(p_now, now())
                                          then 'expired' else c.state end,
                            'issued_at', c.issued_at, 'expires_at', c.expires_at,
                            'wrong_attempts', c.wrong_attempts) end,
                  'messages_sent', (select count(*) from hookgate.whatsapp_sends s where s.user_id = u.id and s.twilio_sid is not null)) as item
        from hookgate.whatsapp_users u
        left join hookgate.whatsapp_codes c on c.user_id = u.id
       where (p_id is null or u.id = p_id) and (p_phone is null or u.phone = p_phone)
       order by u.created_at desc, u.id desc
       limit greatest(1, least(p_limit, 500))
    ) listed;
$$;

-- Sets preferences from the admin API: p_preferences merged into the user's (a JSON null
-- removes a key); p_opted_out true/false sets or clears the opt-out (null: unchanged).
-- p_opted_out_events are recorded only when this call opts the user out. Answers
-- {user (as hookgate_whatsapp_users shows one), published (hookgate_ingest's answers)},
-- or null when there is no such user.
create function public.hookgate_whatsapp_set_preferences(
  p_user_id uuid, p_preferences jsonb, p_opted_out boolean, p_opted_out_events jsonb, p_now timestamptz default null
) returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_was_out   boolean;
  v_published jsonb := '[]'::jsonb;
begin
  select opted_out_at is not null into v_was_out from hookgate.whatsapp_users where id = p_user_id for update;
  if not found then
    return null;
  end if;
  update hookgate.whatsapp_users
     set preferences  = jsonb_strip_nulls(preferences || coalesce(p_preferences, '{}'::jsonb)),
         opted_out_at = case when p_opted_out is null then opted_out_at
                             when p_opted_out then coalesce(opted_out_at, coalesce(p_now, now()))
                             else null end,
         version      = version + 1,
         updated_at   = coalesce(p_now, now())
   where id = p_user_id;
  if p_opted_out and not v_was_out then
    v_published := hookgate.whatsapp_outbox(p_opted_out_events);
  end if;
  return jsonb_build_object('user', public.hookgate_whatsapp_users(p_user_id, null, 1, p_now)->0,
                            'published', v_published);
end
$$;

create function public.hookgate_whatsapp_metrics()
returns jsonb
language sql
security definer
set search_path = ''
as $$
  select jsonb_build_object(
    'registrations', coalesce((select value from hookgate.whatsapp_counters where name = 'registrations'), 0),
    'otp_sent', coalesce((select value from hookgate.whatsapp_counters where name = 'otp_sent'), 0),
    'otp_verified', coalesce((select value from hookgate.whatsapp_counters where name = 'otp_verified'), 0),
    'otp_failed', coalesce((select value from hookgate.whatsapp_counters where name = 'otp_failed'), 0),
    'users', (select count(*) from hookgate.whatsapp_users),
    'verified_users', (select count(*) from hookgate.whatsapp_users where verified_at is not null));
$$;

revoke all on function hookgate.whatsapp_outbox(jsonb) from public;
revoke all on function hookgate.whatsapp_count(jsonb) from public;

select hookgate.secure_functions();
