/** A case's own history read back: comments and reasons opened, time spent in each stage. */
import type { Queryable } from '../../db/client.ts';
import { type Stage, stageSpans } from '../../shared/lifecycle.ts';
import type { FieldVault } from '../key-custody/index.ts';
import type { CasePersons } from './case-persons.ts';
import { COMMENT, REASON } from './case-seal.ts';
import type { CaseEvent, CaseRow } from './case-view.ts';

/**
 * Comments and reasons opened, or marked erased once the survivor's data key is gone; the reasons recorded after
 * that (the erasure's own) are opened from the node's vault (`reasons`).
 */
export async function openComments(
  db: Queryable,
  persons: CasePersons,
  reasons: FieldVault,
  found: CaseRow,
  all: CaseEvent[],
): Promise<CaseEvent[]> {
  const { id: caseId, survivorId } = found;
  const events = await Promise.all(
    all.map(async (e) => {
      const { reasonVaulted, ...data } = e.data;
      if (typeof reasonVaulted !== 'string') return e;
      return { ...e, data: { ...data, reason: await reasons.open(db, caseId, REASON, reasonVaulted) } };
    }),
  );
  const sealedReason = (e: CaseEvent) => typeof e.data.reasonSealed === 'string';
  if (!events.some((e) => e.type === 'comment' || sealedReason(e))) return events;
  const person = await persons.find(db, survivorId);
  const vault = await persons.sealer();
  const sealer = vault.dataSealer(survivorId, person?.wrappedKey ?? null);
  return events.map((e) => {
    if (sealedReason(e)) {
      const { reasonSealed, ...data } = e.data;
      const reason = sealer.open(caseId, REASON, reasonSealed as string);
      return { ...e, data: reason === null ? { ...data, reasonErased: true } : { ...data, reason } };
    }
    if (e.type !== 'comment' || typeof e.data.sealed !== 'string') return e;
    if (!person?.wrappedKey) return { ...e, data: { erased: true } };
    return { ...e, data: { cco_CaseComment: vault.openText(person.id, person.wrappedKey, COMMENT, e.data.sealed) } };
  });
}

/** Time spent in each stage, in order, the current stage up to now. */
export function stagesOf(events: CaseEvent[]) {
  const changes = events
    .filter((e) => e.type === 'created' || e.type === 'stage_changed')
    .map((e) => ({ stage: (e.type === 'created' ? 'reported' : e.data.to) as Stage, at: new Date(e.at) }));
  return stageSpans(changes);
}
