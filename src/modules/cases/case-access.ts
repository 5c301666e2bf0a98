import type { Queryable } from '../../db/client.ts';
import { notFound } from '../../lib/errors.ts';
import type { Action, Purpose } from '../../shared/policy.ts';
import type { AuditService, RequestContext } from '../audit/index.ts';
import type { CaseRow } from './case-view.ts';
import * as repo from './cases.repository.ts';

export async function loadCase(q: Queryable, id: string, forUpdate = false): Promise<CaseRow> {
  const found = await repo.findCase(q, id, forUpdate);
  if (!found) throw notFound('The case');
  return found;
}

/**
 * Asks the policy layer about an action on a case. Agencies that received the case by an accepted referral are
 * passed as `sharedWith`; the policy rule says whether that lets them do the action.
 */
export async function authorizeCase(
  q: Queryable,
  audit: AuditService,
  ctx: RequestContext,
  action: Action,
  found: CaseRow,
  options: { purpose?: Purpose } = {},
): Promise<void> {
  const sharedWith = await repo.sharedWith(q, found.id);
  await audit.authorize(ctx, action, {
    resource: { agencyId: found.agencyId, sharedWith },
    ref: `case:${found.id}`,
    purpose: options.purpose,
  });
}

/** Reads a case the caller may see, or fails with 404/403 (the refusal is audited). */
export async function readableCase(
  q: Queryable,
  audit: AuditService,
  ctx: RequestContext,
  id: string,
  action: Action = 'case.read',
): Promise<CaseRow> {
  const found = await loadCase(q, id);
  await authorizeCase(q, audit, ctx, action, found);
  return found;
}
