/**
 * Accepting a cross-border referral on the receiving node: the sealed part is opened with this node's key, checked
 * as a first report, and stored as a linked case of the chosen agency. Its identity fields get a fresh data key under
 * this node's key-encryption key (re-encrypted under the receiver's keys), and the sealed part is dropped.
 */
import type { KeyObject } from 'node:crypto';
import type { Db } from '../../db/client.ts';
import { AppError } from '../../lib/errors.ts';
import type { FieldMap } from '../../shared/case-fields.ts';
import { actorRef } from '../../shared/policy.ts';
import type { AuditService, RequestContext } from '../audit/index.ts';
import type { CasesService } from '../cases/index.ts';
import { type CaseAccess, type ValidCase, validateNewCase } from '../cases/index.ts';
import type { MessagesService } from '../federation/index.ts';
import { REFERRAL_STATUS } from './cross-border-referrals.messages.ts';
import * as repo from './cross-border-referrals.repository.ts';
import { openSealed } from './sealed-fields.ts';

/** What the sender sealed (cross-border-referrals.offer.ts). */
interface SealedReferral {
  identity: FieldMap;
  fields: FieldMap;
  note: string | null;
}

interface Deps {
  db: Db;
  audit: AuditService;
  cases: CasesService;
  access: CaseAccess;
  messages: MessagesService;
  /** This node's X25519 key, then those derived from its retired signing keys. */
  key: KeyObject | readonly KeyObject[];
}

/** The received fields as a first report: the survivor (prs_, psg_), the victim record (vic_, con_), the case (cas_). */
function asFirstReport(sealed: SealedReferral, agencyId: string): ValidCase {
  const survivor: FieldMap = { ...sealed.identity };
  const victim: FieldMap = {};
  const details: FieldMap = {};
  for (const [name, value] of Object.entries(sealed.fields)) {
    if (name.startsWith('vic_') || name.startsWith('con_')) victim[name] = value;
    else if (name.startsWith('cas_')) details[name] = value;
    else survivor[name] = value;
  }
  const parsed = validateNewCase({ agencyId, survivor, victim, details, comment: sealed.note ?? undefined });
  if (!parsed.ok) {
    // The reasons name fields, never their values.
    throw new AppError(
      'referral_fields_invalid',
      422,
      'Some fields the sending node sent do not fit this node: ask it to send the referral again without them.',
      { errors: parsed.errors },
    );
  }
  return parsed.value;
}

export async function acceptOffer(deps: Deps, ctx: RequestContext, referral: repo.XbReferralRow, agencyId: string) {
  const id = referral.id;
  if (referral.status !== 'offered' || !referral.sealed) {
    throw new AppError(
      'referral_not_offered',
      409,
      `The referral was ${referral.status}; only an offer can be accepted.`,
    );
  }
  let sealed: SealedReferral;
  try {
    sealed = await openSealed<SealedReferral>(referral.sealed, deps.key, id);
  } catch {
    throw new AppError('referral_unreadable', 422, 'The referral does not open with this node’s key; ask the sender.');
  }
  const valid = asFirstReport(sealed, agencyId);
  // Opened before the transaction: on PGlite a query outside it would wait for it.
  await deps.cases.prepareSealing();
  await deps.db.transaction(async (tx) => {
    const current = (await repo.findReferral(tx, id, true)) as repo.XbReferralRow;
    if (current.status !== 'offered') {
      throw new AppError(
        'referral_not_offered',
        409,
        `The referral was ${current.status}; only an offer can be accepted.`,
      );
    }
    const caseId = await deps.cases.createValid(ctx, valid, tx);
    const linked = await deps.access.load(tx, caseId);
    const actor = actorRef(ctx.actor);
    await deps.cases.recordEvent(tx, caseId, actor, 'cross_border_received', {
      referralId: id,
      from: referral.peer,
      caseReference: referral.remoteCaseReference,
      kind: referral.kind,
      purpose: referral.purpose,
      fields: referral.fields,
    });
    const at = new Date().toISOString();
    await repo.updateReferral(tx, id, {
      status: 'accepted',
      caseId,
      caseReference: linked.reference,
      agencyId: linked.agencyId,
      sealed: null,
      respondedBy: actor,
      respondedAt: at,
    });
    // Now held under this node's keys: the copy inside the stored offer goes.
    await deps.messages.redactReceived(tx, { peer: current.peer, conversationId: id }, 'sealed');
    const body = { referralId: id, status: 'accepted', caseReference: linked.reference, reason: null, at };
    await deps.messages.enqueue(tx, referral.peer, REFERRAL_STATUS, body, { conversationId: id });
    await deps.audit.record(tx, ctx, {
      action: 'referral.cross_border_accept',
      resource: `xb-referral:${id}`,
      outcome: 'success',
    });
  });
}
