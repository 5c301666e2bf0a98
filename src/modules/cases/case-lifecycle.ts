/** A case's moves between stages: transitions, closure requests and their decisions, imported closures. */
import type { Queryable } from '../../db/client.ts';
import { AppError, invalid } from '../../lib/errors.ts';
import { canMove, isStage, TRANSITIONS } from '../../shared/lifecycle.ts';
import type { RequestContext } from '../audit/index.ts';
import type { CaseAccess } from './case-access.ts';
import type { CasePersons } from './case-persons.ts';
import { sealCase } from './case-seal.ts';
import type { CaseRow } from './case-view.ts';
import * as repo from './cases.repository.ts';

/** The case service's write path, lent to the functions here. */
export interface CaseWriting {
  access: CaseAccess;
  persons: CasePersons;
  /** Runs a change under the case's row lock, after the policy check, with its audit record. */
  write(
    ctx: RequestContext,
    id: string,
    action: WriteAction,
    change: (tx: Queryable, actor: string, found: CaseRow) => Promise<void>,
  ): Promise<void>;
  recordEvent(
    tx: Queryable,
    caseId: string,
    actor: string,
    type: string,
    data?: Record<string, unknown>,
  ): Promise<void>;
}

export type WriteAction = 'case.update' | 'case.transition' | 'case.approve_closure' | 'case.assign' | 'case.void';

const REASON_MAX = 2000;

export function requireReason(reason: string | undefined, what = 'a reason'): string {
  const text = reason?.trim() ?? '';
  if (!text) throw invalid(`Give ${what}.`);
  if (text.length > REASON_MAX) throw invalid(`The reason is longer than ${REASON_MAX} characters.`);
  return text;
}

/**
 * Moves a case to another stage. Asking for `closed` files a closure request instead: a supervisor other than the
 * requester approves or rejects it (decideClosure).
 */
export async function transitionCase(
  deps: CaseWriting,
  ctx: RequestContext,
  id: string,
  to: string,
  reason: string,
): Promise<void> {
  if (!isStage(to)) throw invalid(`"${to}" is not a case stage.`);
  const why = requireReason(reason, 'a reason for the change');
  await deps.write(ctx, id, 'case.transition', async (tx, actor, found) => {
    if (!canMove(found.stage, to)) {
      const allowed = TRANSITIONS[found.stage].join(', ');
      throw new AppError(
        'transition_not_allowed',
        409,
        `A case in stage "${found.stage}" cannot move to "${to}". It can move to: ${allowed}.`,
      );
    }
    if (to === 'closed') {
      if (found.closureRequestedBy) throw new AppError('closure_pending', 409, 'A closure request is already waiting.');
      const sealer = await deps.persons.dataSealer(tx, found.survivorId);
      const sealed = sealCase(sealer, id, found.victim, found.details, why);
      await repo.updateCase(tx, id, { ...sealed, closureRequestedBy: actor });
      await deps.recordEvent(tx, id, actor, 'closure_requested', { reason: why });
      return;
    }
    const sealer = await deps.persons.dataSealer(tx, found.survivorId);
    await repo.updateCase(tx, id, {
      ...sealCase(sealer, id, found.victim, found.details, null),
      stage: to,
      closureRequestedBy: null,
    });
    await deps.recordEvent(tx, id, actor, 'stage_changed', { from: found.stage, to, reason: why });
  });
}

export async function decideClosure(
  deps: CaseWriting,
  ctx: RequestContext,
  id: string,
  approve: boolean,
  reason?: string,
): Promise<void> {
  await deps.write(ctx, id, 'case.approve_closure', async (tx, actor, found) => {
    if (!found.closureRequestedBy) {
      throw new AppError('no_closure_request', 409, 'No closure request is waiting for this case.');
    }
    if (found.closureRequestedBy === actor) {
      throw new AppError('same_person', 409, 'Another supervisor must approve a closure you requested.');
    }
    // The request's reason is gone when the survivor's data was erased since: the closure is decided without it.
    const sealer = await deps.persons.dataSealer(tx, found.survivorId);
    if (approve) {
      const details = found.closureReason
        ? { ...found.details, cas_ReasonForCaseClosure: found.closureReason }
        : found.details;
      await repo.updateCase(tx, id, {
        ...sealCase(sealer, id, found.victim, details, null),
        stage: 'closed',
        closureRequestedBy: null,
      });
      await deps.recordEvent(tx, id, actor, 'stage_changed', {
        from: found.stage,
        to: 'closed',
        ...(found.closureReason ? { reason: found.closureReason } : {}),
        requestedBy: found.closureRequestedBy,
      });
    } else {
      const why = requireReason(reason, 'a reason for rejecting the closure');
      await repo.updateCase(tx, id, {
        ...sealCase(sealer, id, found.victim, found.details, null),
        closureRequestedBy: null,
      });
      await deps.recordEvent(tx, id, actor, 'closure_rejected', { reason: why });
    }
  });
}

/** Closes a case an import brought in as closed, in the import's transaction. */
export async function closeImported(
  deps: CaseWriting,
  tx: Queryable,
  caseId: string,
  actor: string,
  closureReason: string,
): Promise<void> {
  const found = await deps.access.load(tx, caseId);
  const details = { ...found.details, cas_ReasonForCaseClosure: closureReason };
  const sealer = await deps.persons.dataSealer(tx, found.survivorId);
  await repo.updateCase(tx, caseId, { ...sealCase(sealer, caseId, found.victim, details, null), stage: 'closed' });
  await deps.recordEvent(tx, caseId, actor, 'stage_changed', {
    from: 'reported',
    to: 'closed',
    reason: 'Imported as a closed case',
  });
}
