/**
 * The MLA clocks of cases, for the case list's "next deadline" (given to the cases module by the composition root):
 * reads the requests serving the cases, computes their clocks as the request page does, and keeps the nearest one not
 * yet met. Policy is the caller's: the list shows a date, never the request.
 */
import type { Queryable } from '../../db/client.ts';
import * as repo from './mla.repository.ts';
import { clocksOf } from './mla-changes.ts';

/** Each case's nearest running or late MLA clock (ISO 8601 instant), among `caseIds`. */
export async function mlaDeadlinesOfCases(q: Queryable, caseIds: readonly string[], now: Date) {
  const wanted = new Set(caseIds);
  const nearest = new Map<string, string>();
  if (wanted.size === 0) return nearest;
  for (const request of await repo.openRequests(q)) {
    if (!request.caseId || !wanted.has(request.caseId)) continue;
    for (const clock of clocksOf(request, now)) {
      if (clock.state === 'met' || clock.state === 'met_late') continue;
      const current = nearest.get(request.caseId);
      if (!current || clock.due < current) nearest.set(request.caseId, clock.due);
    }
  }
  return nearest;
}
