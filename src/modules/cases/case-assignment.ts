/** Who works on a case: its assignee, whom grants narrowed to own cases or to a team follow. */
import { AppError } from '../../lib/errors.ts';
import type { RequestContext } from '../audit/index.ts';
import { mayBeAssigned } from '../user-accounts/index.ts';
import type { CaseWriting } from './case-lifecycle.ts';
import * as repo from './cases.repository.ts';

/**
 * Gives the case to another worker of its agency. A supervisor's decision, in the case's history and the audit
 * trail.
 */
export async function assignCase(deps: CaseWriting, ctx: RequestContext, id: string, userId: string): Promise<void> {
  await deps.write(ctx, id, 'case.assign', async (tx, actor, found) => {
    if (!(await mayBeAssigned(tx, userId, found.agencyId))) {
      throw new AppError('not_assignable', 409, 'A case goes only to an enabled user with a role in its agency.');
    }
    if (found.ownerId === userId) return;
    await repo.updateCase(tx, id, { ownerId: userId });
    await deps.recordEvent(tx, id, actor, 'assigned', {
      from: found.ownerId ? `user:${found.ownerId}` : null,
      to: `user:${userId}`,
    });
  });
}
