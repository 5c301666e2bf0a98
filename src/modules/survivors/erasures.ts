/**
 * Erasures that stay done. The database forgets an erasure when a backup taken before it is restored: the person's
 * wrapped data key, ciphertexts, tokens and photos come back. The list of destroyed keys (key custody's, kept outside
 * the database and its backups) does not forget; this applies it again, on restore and at every start.
 */
import type { Db } from '../../db/client.ts';
import { actorRef } from '../../shared/policy.ts';
import type { AuditService, RequestContext } from '../audit/index.ts';
import type { DestroyedKeys } from '../key-custody/index.ts';
import { deletePersonPhotos } from './photos.repository.ts';
import * as repo from './survivors.repository.ts';

export interface ReappliedErasures {
  /** Persons erased in the database that the list did not name yet (erased before the list existed). */
  listed: number;
  /** Persons erased on the list whose data the database held again, now erased once more. */
  erasedAgain: string[];
}

/**
 * Makes the list and the database agree: every erasure the database knows goes on the list, and every person on the
 * list loses, once more, what an erasure removes (data key, ciphertexts, tokens, photos), each in one transaction with
 * an audit record `survivor.erase_reapplied`. Free text sealed under the person's key elsewhere (case fields, safety
 * plans) cannot be opened without that key, so it is erased with it. Nothing is done for persons the database does not
 * hold (a backup older than their record).
 */
export async function reapplyErasures(
  db: Db,
  audit: AuditService,
  destroyed: DestroyedKeys,
  ctx: RequestContext,
): Promise<ReappliedErasures> {
  const known = new Set(destroyed.idsOf('person'));
  const unlisted = (await repo.erasedPersonIds(db)).filter((id) => !known.has(id));
  destroyed.record(unlisted.map((id) => `person:${id}`));
  const ids = destroyed.idsOf('person');
  const erasedAgain = ids.length > 0 ? await repo.personsHoldingErasedData(db, ids) : [];
  for (const id of erasedAgain) {
    await db.transaction(async (tx) => {
      await deletePersonPhotos(tx, id);
      await repo.erasePerson(tx, id, actorRef(ctx.actor));
      await audit.record(tx, ctx, { action: 'survivor.erase_reapplied', resource: `person:${id}`, outcome: 'success' });
    });
  }
  return { listed: unlisted.length, erasedAgain };
}
