/**
 * What other modules read of this node's cases by id, through `q` (their transaction when they have one open): which
 * cases an agency holds, and the references to show. A case's details go through CasesService and its policy checks.
 */
import type { Queryable } from '../../db/client.ts';
import * as repo from './cases.repository.ts';

/** The ids of the cases of `agencies` (null: every case of the node), in id order. */
export function caseIdsOf(q: Queryable, agencies: readonly string[] | null): Promise<string[]> {
  return repo.caseIdsOf(q, agencies);
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
