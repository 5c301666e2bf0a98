/**
 * The erasure of a survivor's identity at her request (crypto-shredding): her data key, every ciphertext, every index
 * token and her photos are deleted, and the key goes on the list of destroyed keys. Split from survivors.service.ts,
 * which hands `erase` and `eraseWithin` on to it; `reapplyErasures` (erasures.ts) does it again after a restore.
 */
import type { Db, Queryable } from '../../db/client.ts';
import { AppError, invalid } from '../../lib/errors.ts';
import { actorRef } from '../../shared/policy.ts';
import type { AuditService, RequestContext } from '../audit/index.ts';
import type { CaseAccess, CasesService } from '../cases/index.ts';
import type { DestroyedKeys } from '../key-custody/index.ts';
import { deletePersonPhotos } from './photos.repository.ts';
import * as repo from './survivors.repository.ts';

export class ErasureService {
  readonly #db: Db;
  readonly #audit: AuditService;
  readonly #cases: CasesService;
  readonly #access: CaseAccess;
  readonly #destroyedKeys: DestroyedKeys | null;

  constructor(
    db: Db,
    audit: AuditService,
    deps: { cases: CasesService; access: CaseAccess; destroyedKeys?: DestroyedKeys },
  ) {
    this.#db = db;
    this.#audit = audit;
    this.#cases = deps.cases;
    this.#access = deps.access;
    this.#destroyedKeys = deps.destroyedKeys ?? null;
  }

  /**
   * Crypto-shredding at the survivor's request: the data key, every ciphertext and every index token are deleted,
   * so no copy of the database made from now on can reveal who they were. A tombstone stays, and the case with its
   * pseudonymous facts (for statistics and for the prosecution) remains.
   */
  async erase(ctx: RequestContext, caseId: string, reason: string): Promise<void> {
    if (!reason?.trim()) throw invalid('Give the reason for the erasure (e.g. the survivor asked for it).');
    const found = await this.#access.load(this.#db, caseId);
    await this.#access.authorize(this.#db, ctx, 'survivor.erase', found);
    await this.#db.transaction(async (tx) => {
      const personId = await this.eraseWithin(tx, caseId, actorRef(ctx.actor), reason.trim());
      if (!personId) throw new AppError('identity_erased', 410, 'The identity is already erased.');
      await this.#audit.record(tx, ctx, {
        action: 'survivor.erase',
        resource: `person:${personId}`,
        outcome: 'success',
      });
    });
  }

  /**
   * The crypto-shredding of `erase` in the caller's transaction, for a caller that decided it already (a peer's
   * withdrawal of a cross-border referral). Returns the person's id, or null when there was nothing left to erase.
   */
  async eraseWithin(tx: Queryable, caseId: string, actor: string, reason: string): Promise<string | null> {
    const found = await this.#access.load(tx, caseId);
    const person = await repo.findPerson(tx, found.survivorId, true);
    if (!person || person.erasedAt) return null;
    await deletePersonPhotos(tx, person.id);
    await repo.erasePerson(tx, person.id, actor);
    // On the list of destroyed keys (outside the database and its backups) before the erasure commits: no crash can
    // leave an erasure that a restored backup would undo. If the transaction then fails, the erasure is completed at
    // the next start (reapplyErasures): it was decided, and a peer's withdrawal is delivered again anyway.
    this.#destroyedKeys?.record([`person:${person.id}`]);
    await this.#cases.recordEvent(tx, caseId, actor, 'identity_erased', { reason });
    return person.id;
  }
}
