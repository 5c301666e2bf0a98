import type { Queryable } from '../../db/client.ts';

/** A team of an agency: its members' cases are what a grant with reach `team` reaches. */
export interface TeamRecord {
  id: string;
  agencyId: string;
  name: string;
  createdAt: string;
  /** User ids, in the order they joined. */
  members: string[];
}

interface TeamRow {
  id: string;
  agency_id: string;
  name: string;
  created_at: Date;
  members: string[] | null;
}

const TEAM_SELECT = `
  select t.id, t.agency_id, t.name, t.created_at,
    (select json_agg(tm.user_id order by tm.added_at, tm.user_id) from team_members tm where tm.team_id = t.id)
      as members
  from teams t`;

const toTeam = (r: TeamRow): TeamRecord => ({
  id: r.id,
  agencyId: r.agency_id,
  name: r.name,
  createdAt: r.created_at.toISOString(),
  members: r.members ?? [],
});

export async function insertTeam(q: Queryable, team: { id: string; agencyId: string; name: string }): Promise<void> {
  await q.query('insert into teams (id, agency_id, name) values ($1, $2, $3)', [team.id, team.agencyId, team.name]);
}

/** The team with this id, or with this name in `agencyId` when one is given. */
export async function findTeam(q: Queryable, idOrName: string, agencyId?: string): Promise<TeamRecord | null> {
  const [row] = await q.query<TeamRow>(
    `${TEAM_SELECT} where t.id = $1 or ($2::text is not null and t.agency_id = $2 and lower(t.name) = lower($1))
     order by t.id = $1 desc limit 1`,
    [idOrName, agencyId ?? null],
  );
  return row ? toTeam(row) : null;
}

/** The teams of these agencies (null: of every agency), by agency and name. */
export async function listTeams(q: Queryable, agencyIds: readonly string[] | null): Promise<TeamRecord[]> {
  const rows = await q.query<TeamRow>(
    `${TEAM_SELECT} where $1::text[] is null or t.agency_id = any($1) order by t.agency_id, t.name`,
    [agencyIds],
  );
  return rows.map(toTeam);
}

export async function addMember(q: Queryable, teamId: string, userId: string): Promise<void> {
  await q.query('insert into team_members (team_id, user_id) values ($1, $2) on conflict do nothing', [teamId, userId]);
}

export async function removeMember(q: Queryable, teamId: string, userId: string): Promise<boolean> {
  const rows = await q.query('delete from team_members where team_id = $1 and user_id = $2 returning user_id', [
    teamId,
    userId,
  ]);
  return rows.length === 1;
}

/** The teams a user is a member of or that these ids name (her grants' teams), with their members. */
export async function teamsAround(q: Queryable, userId: string, teamIds: readonly string[]): Promise<TeamRecord[]> {
  const rows = await q.query<TeamRow>(
    `${TEAM_SELECT} where t.id = any($2::text[])
       or exists (select 1 from team_members tm where tm.team_id = t.id and tm.user_id = $1)
     order by t.agency_id, t.name`,
    [userId, teamIds],
  );
  return rows.map(toTeam);
}

/** The ids of the teams a user is a member of. */
export async function teamsOf(q: Queryable, userId: string): Promise<string[]> {
  const rows = await q.query<{ team_id: string }>('select team_id from team_members where user_id = $1 order by 1', [
    userId,
  ]);
  return rows.map((r) => r.team_id);
}

/** The ids of the members of these teams, once each. */
export async function membersOf(q: Queryable, teamIds: readonly string[]): Promise<string[]> {
  if (teamIds.length === 0) return [];
  const rows = await q.query<{ user_id: string }>(
    'select distinct user_id from team_members where team_id = any($1) order by 1',
    [teamIds],
  );
  return rows.map((r) => r.user_id);
}

/** Whether the user is enabled and holds a role in the agency (or node-wide): someone a case there can go to. */
export async function assignable(q: Queryable, userId: string, agencyId: string): Promise<boolean> {
  const rows = await q.query(
    `select 1 from users u join memberships m on m.user_id = u.id
     where u.id = $1 and u.disabled_at is null and (m.agency_id = $2 or m.agency_id is null) limit 1`,
    [userId, agencyId],
  );
  return rows.length > 0;
}

/** The enabled users with a role in the agency (or node-wide) whom a case of it may go to, by name. */
export async function assignableUsers(q: Queryable, agencyId: string): Promise<{ id: string; displayName: string }[]> {
  const rows = await q.query<{ id: string; display_name: string }>(
    `select distinct u.id, u.display_name from users u join memberships m on m.user_id = u.id
     where u.disabled_at is null and (m.agency_id = $1 or m.agency_id is null) order by u.display_name, u.id`,
    [agencyId],
  );
  return rows.map((r) => ({ id: r.id, displayName: r.display_name }));
}
