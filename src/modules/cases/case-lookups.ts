/**
 * What other modules read of this node's cases by id, through `q` (their transaction when they have one open): which
 * cases an agency holds, and the references to show. A case's details go through CasesService and its policy checks.
 */
import type { Queryable } from '../../db/client.ts';
import { type Action, type Actor, reachFor } from '../../shared/policy.ts';
import { membersOfTeams } from '../user-accounts/index.ts';
import * as repo from './cases.repository.ts';

/** The ids of the cases of `agencies` (null: every case of the node), in id order. */
export function caseIdsOf(q: Queryable, agencies: readonly string[] | null): Promise<string[]> {
  return repo.caseIdsOf(q, agencies);
}

/**
 * Which cases `actor` reaches for `action`, for a list of what another module keeps about cases (referrals, linkage
 * alerts): null when every case; else the agencies reached whole and, where a grant is narrowed to own cases or a
 * team, the ids of the cases assigned to her or to a member of the team, as case lists apply the reach.
 * `none`: the actor reaches no case at all for the action (the caller refuses).
 */
export interface CasesReached {
  agencies: string[];
  caseIds: string[];
  none: boolean;
}

export async function casesReached(q: Queryable, actor: Actor, action: Action): Promise<CasesReached | null> {
  const reach = reachFor(actor, action);
  if (reach === null) return null;
  const assigned: string[] = [];
  if (actor.kind === 'user') for (const agencyId of reach.own) assigned.push(`${agencyId}:${actor.userId}`);
  for (const { agencyId, teamId } of reach.teams) {
    for (const userId of await membersOfTeams(q, [teamId])) assigned.push(`${agencyId}:${userId}`);
  }
  const caseIds = assigned.length > 0 ? await repo.caseIdsAssigned(q, assigned) : [];
  return { agencies: reach.agencies, caseIds, none: reach.agencies.length === 0 && assigned.length === 0 };
}

/** The references of cases, by id; ids of no case are left out. */
export function caseReferences(q: Queryable, ids: readonly string[]): Promise<Map<string, string>> {
  return ids.length === 0 ? Promise.resolve(new Map()) : repo.references(q, [...ids]);
}

export type { OpenCase } from './cases.repository.ts';

/**
 * The open cases of some agencies (null: all) or assigned to some case workers, the longest in their stage first, at
 * most `limit`: what a work queue looks at. Names no person; the caller checks that its user may see them.
 */
export function openCases(
  q: Queryable,
  filter: { agencies: readonly string[] | null } | { owners: readonly string[] },
  limit?: number,
): Promise<repo.OpenCase[]> {
  return repo.openCases(q, filter, limit);
}

/** Who acted on a case (`user:<id>`, `node:<id>`, `operator:<name>`), so that a page can show them by name. */
export function actorsOfCase(q: Queryable, caseId: string): Promise<string[]> {
  return repo.actorsOfCase(q, caseId);
}
