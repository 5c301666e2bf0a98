/**
 * What other modules may ask about this node's agencies and users, read through `q` (the caller's transaction when it
 * has one open): names to show and file things under, never accounts, roles or secrets.
 */
import type { Queryable } from '../../db/client.ts';
import { assignable, assignableUsers, membersOf, teamsOf } from './teams.repository.ts';
import { agencyById, userDisplayName, userNamesWithAgency } from './user-accounts.repository.ts';

/** The country of an agency (a case reference starts with it), or null when there is no such agency. */
export async function agencyCountry(q: Queryable, agencyId: string): Promise<string | null> {
  return (await agencyById(q, agencyId))?.country ?? null;
}

/** The name of an agency, or null when there is no such agency. */
export async function agencyName(q: Queryable, agencyId: string): Promise<string | null> {
  return (await agencyById(q, agencyId))?.name ?? null;
}

/** The ids of the teams a user is a member of: what grants with reach `team` follow to her cases. */
export function teamsOfUser(q: Queryable, userId: string): Promise<string[]> {
  return teamsOf(q, userId);
}

/** The ids of the members of these teams. */
export function membersOfTeams(q: Queryable, teamIds: readonly string[]): Promise<string[]> {
  return membersOf(q, teamIds);
}

/** Whether a case of the agency may be assigned to the user: enabled, with a role there or node-wide. */
export function mayBeAssigned(q: Queryable, userId: string, agencyId: string): Promise<boolean> {
  return assignable(q, userId, agencyId);
}

/** The people a case of the agency may be assigned to: ids and names to choose from, nothing else. */
export function assigneesOf(q: Queryable, agencyId: string): Promise<{ id: string; displayName: string }[]> {
  return assignableUsers(q, agencyId);
}

/** The name a user is shown by, or null when there is no such user. */
export function userName(q: Queryable, userId: string): Promise<string | null> {
  return userDisplayName(q, userId);
}

/** The names people are shown by, with an agency each works in, by user id; ids of no user are left out. */
export async function peopleNames(
  q: Queryable,
  userIds: readonly string[],
): Promise<Map<string, { name: string; agency: string | null }>> {
  if (userIds.length === 0) return new Map();
  const rows = await userNamesWithAgency(q, userIds);
  return new Map(rows.map((r) => [r.id, { name: r.name, agency: r.agency }]));
}
