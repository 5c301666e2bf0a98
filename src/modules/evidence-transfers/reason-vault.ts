/**
 * The reasons of an evidence exchange: why a transfer was declined, why a node asks leave to use a received item, and
 * the provider's reason for its answer. Free text that may name a witness or a suspect: sealed in key custody's vault
 * for evidence exchanges, bound to the transfer or the request (docs/data-at-rest.md). The same words travel to the
 * peer in the signed message, which the message store keeps sealed too.
 */
import type { Queryable } from '../../db/client.ts';
import type { FieldVault, KeyCustody } from '../key-custody/index.ts';
import * as repo from './evidence-transfers.repository.ts';

const SECRET = 'evidence-exchange-key';
export const DECLINE_REASON = 'transfer_decline_reason';
export const REQUEST_REASON = 'permission_reason';
export const DECISION_REASON = 'permission_decision_reason';

export class ExchangeReasons {
  readonly #fields: FieldVault;

  constructor(keyCustody: KeyCustody) {
    this.#fields = keyCustody.fieldVault(SECRET);
  }

  /** `text` sealed, bound to the transfer or request `ownerId` and the field; null stays null. */
  async seal(q: Queryable, ownerId: string, field: string, text: string | null | undefined): Promise<string | null> {
    return text ? this.#fields.seal(q, ownerId, field, text) : null;
  }

  async #open(q: Queryable, ownerId: string, field: string, sealed: string | null | undefined, clear: string | null) {
    return sealed ? this.#fields.open(q, ownerId, field, sealed) : clear;
  }

  /** The transfer with its decline reason opened (or as wave 1 stored it). */
  async transfer(q: Queryable, t: repo.TransferRecord): Promise<repo.TransferRecord> {
    const { declineReasonSealed, ...rest } = t;
    return { ...rest, declineReason: await this.#open(q, t.id, DECLINE_REASON, declineReasonSealed, t.declineReason) };
  }

  /** The permission request with its reasons opened (or as wave 1 stored them). */
  async permission(q: Queryable, p: repo.PermissionRecord): Promise<repo.PermissionRecord> {
    const { reasonSealed, decisionReasonSealed, ...rest } = p;
    return {
      ...rest,
      reason: (await this.#open(q, p.id, REQUEST_REASON, reasonSealed, p.reason)) ?? '',
      decisionReason: await this.#open(q, p.id, DECISION_REASON, decisionReasonSealed, p.decisionReason),
    };
  }

  /** Seals the reasons a wave 1 node kept in clear (the upgrade step, in its transaction); how many rows. */
  async sealClearText(tx: Queryable): Promise<number> {
    const transfers = await repo.transfersWithClearReason(tx);
    for (const t of transfers) {
      await repo.sealDeclineReason(tx, t.id, (await this.seal(tx, t.id, DECLINE_REASON, t.reason)) as string);
    }
    const permissions = await repo.permissionsWithClearReason(tx);
    for (const p of permissions) {
      await repo.sealPermissionReasons(tx, p.id, {
        reasonSealed: await this.seal(tx, p.id, REQUEST_REASON, p.reason),
        decisionReasonSealed: await this.seal(tx, p.id, DECISION_REASON, p.decisionReason),
      });
    }
    return transfers.length + permissions.length;
  }
}
