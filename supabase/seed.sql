-- The ClickUp routing directory: who owns which customer (CX) and which market (Ops).
-- Edit this file and re-run it; every statement is an upsert, so running it again
-- updates rows rather than failing, and rows it no longer lists are left alone
-- (delete them explicitly, as at the bottom).
--
-- Load it:
--   local (embedded PGlite in .hookgate/, with the server stopped):  npm run db:seed
--   any Postgres, Supabase's direct/session URL included:             DATABASE_URL=... npm run db:seed
--   Supabase CLI (local stack): `supabase db reset` runs this file after the migrations
--
-- Names match the task's Customer / Market field value, ignoring case and extra
-- spaces. Owners are ClickUp user ids: a member's `id` from
-- `GET https://api.clickup.com/api/v2/team` (or their profile URL in ClickUp).
-- A null owner makes the router tag the task "Needs CX Routing" / "Needs Ops Routing".
--
-- The rows below are examples: replace them with your own.

insert into hookgate.clickup_customers (name, vip, cx_owner_id, notes) values
  ('Acme Hotels',        true,  81234567, 'VIP since 2025'),
  ('Blue Harbor Rentals', false, 81234568, null),
  ('Cedar Stays',         false, null,     'owner leaving: routed by hand for now')
on conflict (key) do update
  set name = excluded.name, vip = excluded.vip, cx_owner_id = excluded.cx_owner_id,
      notes = excluded.notes, updated_at = now();

insert into hookgate.clickup_markets (name, ops_owner_id, notes) values
  ('Lisbon', 81234570, null),
  ('Porto',  81234571, null),
  ('Faro',   null,     'no Ops owner yet')
on conflict (key) do update
  set name = excluded.name, ops_owner_id = excluded.ops_owner_id,
      notes = excluded.notes, updated_at = now();

-- Removing an entry:
-- delete from hookgate.clickup_customers where name = 'Old Customer';
