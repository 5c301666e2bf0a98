/** Lists and searches of cases: what the caller's agencies own or received, and who was erased, from the ports. */
import type { Db } from '../../db/client.ts';
import { invalid } from '../../lib/errors.ts';
import { reachFor } from '../../shared/policy.ts';
import type { AuditService, RequestContext } from '../audit/index.ts';
import { membersOfTeams } from '../user-accounts/index.ts';
import type { CasePersons, CaseSharing, PersonQuery } from './case-persons.ts';
import type { SearchHit } from './case-view.ts';
import * as repo from './cases.repository.ts';

/** What finding cases reads. */
export interface Finding {
  db: Db;
  audit: AuditService;
  persons: CasePersons;
  sharing: CaseSharing;
}

export type CaseQuery = PersonQuery & { minScore?: number; limit?: number };

/** Finds cases by the survivor's name (fuzzy, ranked), document, phone or birth date, without decrypting. */
export async function searchCases(deps: Finding, ctx: RequestContext, query: CaseQuery): Promise<SearchHit[]> {
  const { agencies, assigned } = await visibleAgencies(deps, ctx);
  if (!query.name?.trim() && !query.document && !query.phone && !query.birthDate) {
    throw invalid('Search by name, document number, phone or birth date.');
  }
  const limit = query.limit ?? 20;
  const persons = await deps.persons.search(query, { minScore: query.minScore ?? 0.4, limit: limit * 4 });
  const score = new Map(persons.map((p) => [p.personId, p.score]));
  const cases = await repo.casesOfPersons(deps.db, [...score.keys()]);
  const shared = new Set(
    agencies && cases.length > 0
      ? await deps.sharing.sharedCases(
          deps.db,
          agencies,
          cases.map((c) => c.id),
        )
      : [],
  );
  const hits = cases
    .filter(
      (c) =>
        agencies === null ||
        agencies.includes(c.agencyId) ||
        shared.has(c.id) ||
        (c.ownerId !== null && assigned.has(`${c.agencyId}:${c.ownerId}`)),
    )
    .map((c) => ({
      caseId: c.id,
      reference: c.reference,
      agencyId: c.agencyId,
      stage: c.stage,
      score: score.get(c.survivorId) ?? 0,
    }))
    .sort((a, b) => b.score - a.score || a.reference.localeCompare(b.reference))
    .slice(0, limit);
  await deps.audit.recordRead(ctx, { action: 'case.search', resources: hits.map((h) => `case:${h.caseId}`) });
  return hits;
}

/**
 * Agencies whose cases the caller may read (null for node-wide roles), and, for grants narrowed to own cases or a
 * team, the assignees whose cases they reach in an agency (`<agency id>:<user id>`). Fails when there are none.
 */
export async function visibleAgencies(
  deps: Finding,
  ctx: RequestContext,
): Promise<{ agencies: string[] | null; assigned: Set<string> }> {
  const reach = reachFor(ctx.actor, 'case.read');
  if (reach === null) return { agencies: null, assigned: new Set() };
  const assigned = new Set<string>();
  if (ctx.actor.kind === 'user') for (const agencyId of reach.own) assigned.add(`${agencyId}:${ctx.actor.userId}`);
  for (const { agencyId, teamId } of reach.teams) {
    for (const userId of await membersOfTeams(deps.db, [teamId])) assigned.add(`${agencyId}:${userId}`);
  }
  if (reach.agencies.length === 0 && assigned.size === 0) await deps.audit.authorize(ctx, 'case.read');
  return { agencies: reach.agencies, assigned };
}
