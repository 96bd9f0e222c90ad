-- Signing keys: the ed25519 keys hookgate signs forwards with (Standard Webhooks `v1a`)
-- and publishes at /.well-known/jwks.json, and their rotation.
--
-- A key is `next` (published, not yet signing), `current` (published, signs every
-- asymmetric forward), `retired` (published for a grace period after it stopped
-- signing, so deliveries signed just before a rotation still verify) or `revoked`
-- (never published again). At most one key is current and at most one is next.
-- The private key is stored encrypted (AES-256-GCM, lib/signing/key-encryption.ts,
-- keyed by HOOKGATE_KEY_ENCRYPTION_KEY): the database never sees it in the clear.
-- Which keys are published (the grace period is configuration) is decided by the code.

create table hookgate.signing_keys (
  kid          text primary key check (kid ~ '^[A-Za-z0-9_-]{8,64}$'),
  state        text not null check (state in ('next', 'current', 'retired', 'revoked')),
  -- The public JWK: {kty: OKP, crv: Ed25519, x}.
  public_jwk   jsonb not null,
  -- `v1.<iv>.<tag>.<ciphertext>` (base64url): the encrypted 32-byte private key.
  private_key  text not null,
  created_at   timestamptz not null default now(),
  activated_at timestamptz,
  retired_at   timestamptz,
  revoked_at   timestamptz
);
create unique index signing_keys_one_current on hookgate.signing_keys ((true)) where state = 'current';
create unique index signing_keys_one_next on hookgate.signing_keys ((true)) where state = 'next';

-- A key as the admin API shows it: everything but the private key.
create function hookgate.signing_key_json(k hookgate.signing_keys)
returns jsonb
language sql
immutable
set search_path = ''
as $$
  select jsonb_build_object(
    'kid', k.kid, 'state', k.state, 'public_jwk', k.public_jwk, 'created_at', k.created_at,
    'activated_at', k.activated_at, 'retired_at', k.retired_at, 'revoked_at', k.revoked_at);
$$;
revoke all on function hookgate.signing_key_json(hookgate.signing_keys) from public;

-- Every key, newest first, with its encrypted private key (the signer decrypts the current one).
create function public.hookgate_signing_keys()
returns jsonb
language sql
stable
security definer
set search_path = ''
as $$
  select coalesce(jsonb_agg(hookgate.signing_key_json(k) || jsonb_build_object('private_key', k.private_key)
                            order by k.created_at desc, k.kid desc), '[]'::jsonb)
    from hookgate.signing_keys k;
$$;

-- Adds a key: `current` at once when there is no key to sign with and none waiting
-- (the first key: nobody can have cached a key set without it), else `next`, published
-- before it signs anything. Refused while another key is next.
create function public.hookgate_signing_key_add(
  p_kid         text,
  p_public_jwk  jsonb,
  p_private_key text,
  p_now         timestamptz default null
) returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_now  timestamptz := coalesce(p_now, now());
  v_next text;
  v_key  hookgate.signing_keys;
begin
  -- One change of the key set at a time: two adds or rotations never interleave.
  lock table hookgate.signing_keys in share row exclusive mode;
  select kid into v_next from hookgate.signing_keys where state = 'next';
  if v_next is not null then
    return jsonb_build_object('ok', false, 'reason', 'next_exists', 'kid', v_next);
  end if;
  insert into hookgate.signing_keys (kid, state, public_jwk, private_key, created_at, activated_at)
  select p_kid, s.state, p_public_jwk, p_private_key, v_now, case when s.state = 'current' then v_now end
    from (select case when exists (select 1 from hookgate.signing_keys where state = 'current')
                      then 'next' else 'current' end as state) s
  returning * into v_key;
  return jsonb_build_object('ok', true, 'key', hookgate.signing_key_json(v_key));
end
$$;

-- Rotation: the next key becomes current and the current one retired (still published
-- for the grace period). Refused when there is no next key, or when it was published
-- less than p_min_published_seconds ago (receivers may not have fetched it yet).
create function public.hookgate_signing_key_rotate(
  p_min_published_seconds integer,
  p_now                   timestamptz default null
) returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_now     timestamptz := coalesce(p_now, now());
  v_next    hookgate.signing_keys;
  v_retired text;
begin
  lock table hookgate.signing_keys in share row exclusive mode;
  select * into v_next from hookgate.signing_keys where state = 'next';
  if v_next.kid is null then
    return jsonb_build_object('ok', false, 'reason', 'no_next');
  end if;
  if v_next.created_at > v_now - make_interval(secs => greatest(p_min_published_seconds, 0)) then
    return jsonb_build_object('ok', false, 'reason', 'too_new', 'kid', v_next.kid,
      'ready_at', v_next.created_at + make_interval(secs => greatest(p_min_published_seconds, 0)));
  end if;
  update hookgate.signing_keys set state = 'retired', retired_at = v_now
   where state = 'current'
  returning kid into v_retired;
  update hookgate.signing_keys set state = 'current', activated_at = v_now where kid = v_next.kid;
  return jsonb_build_object('ok', true, 'current', v_next.kid, 'retired', v_retired);
end
$$;

-- Retires (stops signing, stays published for the grace period) or revokes (leaves the
-- key set at once, for good) one key. A revoked key is never brought back.
create function public.hookgate_signing_key_set_state(
  p_kid   text,
  p_state text,
  p_now   timestamptz default null
) returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_now timestamptz := coalesce(p_now, now());
  v_key hookgate.signing_keys;
  v_was text;
begin
  if p_state not in ('retired', 'revoked') then
    raise exception 'p_state must be retired or revoked, not %', p_state using errcode = '22023';
  end if;
  lock table hookgate.signing_keys in share row exclusive mode;
  select state into v_was from hookgate.signing_keys where kid = p_kid;
  if v_was is null then
    return jsonb_build_object('ok', false, 'reason', 'not_found');
  end if;
  if v_was = p_state or v_was = 'revoked' or (p_state = 'retired' and v_was = 'retired') then
    return jsonb_build_object('ok', false, 'reason', 'already_' || v_was);
  end if;
  update hookgate.signing_keys
     set state = p_state,
         retired_at = case when p_state = 'retired' or retired_at is null then v_now else retired_at end,
         revoked_at = case when p_state = 'revoked' then v_now else revoked_at end
   where kid = p_kid
  returning * into v_key;
  return jsonb_build_object('ok', true, 'previous_state', v_was, 'key', hookgate.signing_key_json(v_key));
end
$$;

select hookgate.secure_functions();
