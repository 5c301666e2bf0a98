-- An MLA execution clock's first breach that a postponement ended (docs/mla.md): the due date then in force and when
-- the postponement was granted. A later postponement replaces postponed_until, so the breach is kept here.
alter table mla_requests add column execution_breached_due timestamptz;
alter table mla_requests add column execution_breach_postponed_at timestamptz;

-- Teams of an agency and their members, for role grants that reach a team's cases (src/shared/policy.ts, Reach).
create table teams (
  id text primary key,
  agency_id text not null references agencies (id),
  name text not null,
  created_at timestamptz not null default now(),
  unique (agency_id, name)
);

create table team_members (
  team_id text not null references teams (id),
  user_id text not null references users (id),
  added_at timestamptz not null default now(),
  primary key (team_id, user_id)
);
create index team_members_user on team_members (user_id);

-- How far a grant scoped to an agency reaches: the whole agency (every grant made before, unchanged), a team's cases,
-- or only the holder's own cases (cases.owner_id, the assigned case worker).
alter table memberships add column reach text not null default 'agency' check (reach in ('agency', 'team', 'own'));
alter table memberships add column team_id text references teams (id);
alter table memberships add constraint memberships_reach_team check ((reach = 'team') = (team_id is not null));
alter table memberships add constraint memberships_reach_agency check (reach = 'agency' or agency_id is not null);
alter table memberships drop constraint memberships_user_id_role_agency_id_key;
create unique index memberships_grant on memberships (user_id, role, coalesce(agency_id, ''), reach, coalesce(team_id, ''));
