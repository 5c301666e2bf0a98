/**
 * The reason given for a cross-border referral's status (a revocation, a decline, a withdrawal, the peer's erasure):
 * free text that may name a person or say where she is (docs/data-at-rest.md). A referral with a case here (every
 * sent one, and a received one once accepted) has its reason sealed under the survivor's data key, bound to the
 * referral, so that erasing her identity erases it; a received offer that never became a case (declined, revoked
 * while pending) has it sealed in key custody's vault for cross-border data. A referral gets its case only on
 * acceptance, before any reason, so the key of a stored reason is always that of the referral's case, if any.
 */
import type { Queryable } from '../../db/client.ts';
import type { DataSealer } from '../cases/index.ts';
import type { FieldVault, KeyCustody } from '../key-custody/index.ts';
import type { XbReferralRow } from './cross-border-referrals.repository.ts';
import * as repo from './cross-border-referrals.repository.ts';

const SECRET = 'cross-border-data-key';
const STATUS_REASON = 'xb_status_reason';

/** The sealer of the data of a case's survivor. */
export type CaseSealer = (q: Queryable, caseId: string) => Promise<DataSealer>;

export class ReasonVault {
  readonly #fields: FieldVault;
  readonly #sealerOf: CaseSealer;

  constructor(keyCustody: KeyCustody, sealerOf: CaseSealer) {
    this.#fields = keyCustody.fieldVault(SECRET);
    this.#sealerOf = sealerOf;
  }

  /**
   * The columns to store a status reason in: sealed, the clear one emptied. Once the survivor's identity was erased
   * (a peer's withdrawal erases it first) there is no key to seal it under, and it is not kept.
   */
  async seal(q: Queryable, r: Pick<XbReferralRow, 'id' | 'caseId'>, reason: string | null | undefined) {
    return { statusReason: null, statusReasonSealed: reason ? await this.#seal(q, r, reason) : null };
  }

  async #seal(q: Queryable, r: Pick<XbReferralRow, 'id' | 'caseId'>, reason: string): Promise<string | null> {
    if (!r.caseId) return this.#fields.seal(q, r.id, STATUS_REASON, reason);
    const sealer = await this.#sealerOf(q, r.caseId);
    return sealer.erased ? null : sealer.seal(r.id, STATUS_REASON, reason);
  }

  /** The referral with its status reason opened (or as wave 1 stored it); null once the survivor was erased. */
  async open(q: Queryable, r: XbReferralRow): Promise<XbReferralRow> {
    const sealed = r.statusReasonSealed;
    if (!sealed) return r;
    const statusReason = r.caseId
      ? (await this.#sealerOf(q, r.caseId)).open(r.id, STATUS_REASON, sealed)
      : await this.#fields.open(q, r.id, STATUS_REASON, sealed);
    return { ...r, statusReason };
  }

  /**
   * Seals the status reasons a wave 1 node kept in clear (the upgrade step, in its transaction); those of a survivor
   * whose identity was erased are dropped. Returns how many there were.
   */
  async sealClearText(tx: Queryable): Promise<number> {
    const rows = await repo.referralsWithClearReason(tx);
    for (const row of rows) await repo.sealStatusReason(tx, row.id, await this.#seal(tx, row, row.reason));
    return rows.length;
  }
}
