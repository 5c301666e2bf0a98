-- Issue 15: a case list to work from, and voiding a case created in error.

-- A label the case worker chooses so that rows can be told apart without naming anyone: free text about a survivor's
-- case, so sealed under her data key (bound to the case) like the case's other free text; erasure erases it.
alter table cases add column label_sealed text;

-- When the case was voided as created in error: it leaves lists, search, statistics and reads; the audit trail and
-- the case's own history keep it.
alter table cases add column voided_at timestamptz;

-- The time of the case's last event, kept with the case (case_events are append-only) so that the list can be sorted
-- and paged by it through an index.
alter table cases add column last_activity_at timestamptz;
update cases c set last_activity_at = coalesce((select max(e.at) from case_events e where e.case_id = c.id), c.created_at);
alter table cases alter column last_activity_at set default now();
alter table cases alter column last_activity_at set not null;
create index cases_last_activity on cases (last_activity_at, id);

-- A user's saved filters of the case list (the query string of the list, not its rows).
create table case_saved_filters (
  id text primary key,
  user_id text not null references users (id),
  name text not null,
  filter jsonb not null,
  created_at timestamptz not null default now()
);
create index case_saved_filters_user on case_saved_filters (user_id, created_at);
