/**
 * The reason given for a cross-border referral's status (a revocation, a decline, a withdrawal, the peer's erasure):
 * free text that may name a person or say where she is. It is sealed in key custody's vault for cross-border data,
 * bound to the referral, like the rest of a cooperation record (docs/data-at-rest.md); what travels to the peer is in
 * the signed message, itself sealed in the message store.
 */
import type { Queryable } from '../../db/client.ts';
import type { FieldVault, KeyCustody } from '../key-custody/index.ts';
import type { XbReferralRow } from './cross-border-referrals.repository.ts';
import * as repo from './cross-border-referrals.repository.ts';

const SECRET = 'cross-border-data-key';
const STATUS_REASON = 'xb_status_reason';

export class ReasonVault {
  readonly #fields: FieldVault;

  constructor(keyCustody: KeyCustody) {
    this.#fields = keyCustody.fieldVault(SECRET);
  }

  /** The columns to store a status reason in: sealed, the clear one emptied. */
  async seal(q: Queryable, referralId: string, reason: string | null | undefined) {
    const sealed = reason ? await this.#fields.seal(q, referralId, STATUS_REASON, reason) : null;
    return { statusReason: null, statusReasonSealed: sealed };
  }

  /** The referral with its status reason opened (or as wave 1 stored it). */
  async open(q: Queryable, r: XbReferralRow): Promise<XbReferralRow> {
    if (!r.statusReasonSealed) return r;
    return { ...r, statusReason: await this.#fields.open(q, r.id, STATUS_REASON, r.statusReasonSealed) };
  }

  /** Seals the status reasons a wave 1 node kept in clear (the upgrade step, in its transaction); how many. */
  async sealClearText(tx: Queryable): Promise<number> {
    const rows = await repo.referralsWithClearReason(tx);
    for (const row of rows) {
      await repo.sealStatusReason(tx, row.id, await this.#fields.seal(tx, row.id, STATUS_REASON, row.reason));
    }
    return rows.length;
  }
}
