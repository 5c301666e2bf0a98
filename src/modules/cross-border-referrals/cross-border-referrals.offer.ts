/**
 * Sending a cross-border referral: in one transaction, under the case's lock, the survivor's consent is checked for
 * the receiver's country, the referral's purpose and every field picked, the fields are sealed to the receiver's key, and the referral,
 * its timeline event, the disclosure record, the audit entry and the outgoing message are written together.
 */

import { ulid } from 'ulid';
import type { Db } from '../../db/client.ts';
import type { EncryptionJwk } from '../../lib/encryption-key.ts';
import { AppError } from '../../lib/errors.ts';
import { fieldDefinition, isIdentityField } from '../../shared/case-fields.ts';
import { consentCovers, missingCoverage, uncoveredFields } from '../../shared/consent.ts';
import type { XbKind, XbPurpose, XbStatus } from '../../shared/cross-border.ts';
import { barsOnwardSharing, type Handling } from '../../shared/handling.ts';
import { actorRef } from '../../shared/policy.ts';
import type { AuditService, RequestContext } from '../audit/index.ts';
import type { CaseAccess, CasesService } from '../cases/index.ts';
import type { MessagesService } from '../federation/index.ts';
import type { SurvivorsService } from '../survivors/index.ts';
import { REFERRAL_OFFER } from './cross-border-referrals.messages.ts';
import * as repo from './cross-border-referrals.repository.ts';
import { sealFor } from './sealed-fields.ts';

/** The groups a referral may send fields of: the survivor, the victim record and the case; not people or movements. */
const SENDABLE_PREFIXES = ['prs_', 'psg_', 'vic_', 'con_', 'cas_'];
export const OPEN: readonly XbStatus[] = ['offered', 'accepted'];

interface Deps {
  db: Db;
  audit: AuditService;
  cases: CasesService;
  access: CaseAccess;
  survivors: SurvivorsService;
  messages: MessagesService;
}

export interface Offer {
  caseId: string;
  peer: { nodeId: string; country: string; encryptionKey: EncryptionJwk };
  kind: XbKind;
  purpose: XbPurpose;
  fields: string[];
  note: string | null;
  handling: Handling;
}

/** The refusals for want of consent, audited as denials of their own. */
export const CONSENT_REFUSALS = ['consent_required', 'consent_purpose_not_covered', 'fields_not_covered'];

/** Sends the offer; returns the referral's id. A refusal for want of consent is audited as a denial of its own. */
export async function sendOffer(deps: Deps, ctx: RequestContext, offer: Offer): Promise<string> {
  const { caseId, peer, fields } = offer;
  const reader = await deps.survivors.identityReader();
  const id = ulid();
  try {
    await deps.db.transaction(async (tx) => {
      const locked = await deps.access.load(tx, caseId, true);
      const person = await reader.read(tx, locked.survivorId, fields.filter(isIdentityField));
      if (!person?.identity) {
        throw new AppError('identity_erased', 410, "The survivor's identity was erased; there is nothing to refer.");
      }
      const open = await repo.listReferrals(tx, { caseId, direction: 'out', limit: 200, offset: 0 });
      if (open.referrals.some((r) => r.peer === peer.nodeId && OPEN.includes(r.status))) {
        throw new AppError(
          'referral_exists',
          409,
          `The case is already referred to ${peer.nodeId}. Revoke that first.`,
        );
      }
      const received = (await repo.receivedInto(tx, caseId)).find((r) => barsOnwardSharing(r.handlingCode));
      if (received) {
        throw new AppError(
          'handling_no_forwarding',
          403,
          `The case came from ${received.peer} under handling code ${received.handlingCode}: it may not be passed on ` +
            'to another node.',
        );
      }
      const consents = await deps.survivors.consentsWithin(tx, locked.survivorId);
      const target = { country: peer.country, use: offer.purpose };
      const coverage = consentCovers(consents, 'sharing_cross_border', target);
      if (!coverage.covered && missingCoverage(consents, 'sharing_cross_border', target) === 'purpose') {
        throw new AppError(
          'consent_purpose_not_covered',
          403,
          `The survivor's consent to sharing with ${peer.country} does not cover the purpose "${offer.purpose}". ` +
            "Record the survivor's consent for that purpose, or an override on a legal basis, first. Nothing was sent.",
          { purpose: offer.purpose },
        );
      }
      if (!coverage.covered) {
        throw new AppError(
          'consent_required',
          403,
          `The survivor has not consented to sharing their case with ${peer.country} (purpose sharing_cross_border). ` +
            "Record the survivor's consent for that country, or an override on a legal basis, first.",
        );
      }
      const uncovered = uncoveredFields(consents, coverage, fields);
      if (uncovered.length > 0) {
        throw new AppError(
          'fields_not_covered',
          403,
          `The survivor's consent does not cover sending these fields: ${uncovered.join(', ')}. Nothing was sent.`,
          { fields: uncovered },
        );
      }
      const identity = person.identity;
      const plain = { ...person.attributes, ...locked.victim, ...locked.details };
      const other = Object.fromEntries(
        fields.filter((f) => !isIdentityField(f) && f in plain).map((f) => [f, plain[f]]),
      );
      const sealed = await sealFor(peer.encryptionKey, id, { identity, fields: other, note: offer.note });
      const actor = actorRef(ctx.actor);
      const offeredAt = new Date().toISOString();
      await repo.insertReferral(tx, {
        id,
        direction: 'out',
        peer: peer.nodeId,
        peerCountry: peer.country,
        kind: offer.kind,
        purpose: offer.purpose,
        status: 'offered',
        caseId,
        caseReference: locked.reference,
        agencyId: locked.agencyId,
        remoteCaseReference: null,
        fields,
        ...offer.handling,
        sealed: null,
        consentBasis: coverage.basis,
        consentId: coverage.recordId,
        offeredBy: actor,
        offeredAt,
      });
      await deps.cases.recordEvent(tx, caseId, actor, 'referral_cross_border_offered', {
        referralId: id,
        to: peer.nodeId,
        kind: offer.kind,
        purpose: offer.purpose,
        fields,
        handlingCode: offer.handling.handlingCode,
        consent: coverage.basis,
        consentId: coverage.recordId,
      });
      await deps.survivors.recordDisclosure(tx, {
        personId: person.id,
        actor,
        agencyId: locked.agencyId,
        kind: 'share',
        purpose: `cross_border_${offer.purpose}`,
        fields,
        recipient: `node:${peer.nodeId}`,
        requestId: ctx.requestId,
        reference: `xb-referral:${id}`,
      });
      await deps.messages.enqueue(
        tx,
        peer.nodeId,
        REFERRAL_OFFER,
        {
          referralId: id,
          kind: offer.kind,
          purpose: offer.purpose,
          fields,
          caseReference: locked.reference,
          offeredAt,
          sealed,
          ...offer.handling,
        },
        { conversationId: id },
      );
      await deps.audit.record(tx, ctx, {
        action: 'referral.cross_border_offer',
        resource: `xb-referral:${id}`,
        outcome: 'success',
      });
    });
  } catch (error) {
    if (error instanceof AppError && CONSENT_REFUSALS.includes(error.id)) {
      await deps.audit.recordDenied(ctx, 'referral.cross_border_offer', `case:${caseId}`);
    }
    throw error;
  }
  return id;
}

/** The picked field names, checked: known HTCDS fields of the groups a referral may send, each once. */
export function checkFields(names: string[]): string[] {
  const fields = [...new Set(names.map((n) => n.trim()))];
  const wrong = fields.filter((f) => !fieldDefinition(f) || !SENDABLE_PREFIXES.some((p) => f.startsWith(p)));
  if (wrong.length > 0) {
    throw new AppError(
      'fields_invalid',
      400,
      `Not fields a referral can send: ${wrong.join(', ').slice(0, 300)}. Pick HTCDS fields of the survivor, the ` +
        'victim record or the case (prs_, psg_, vic_, con_, cas_).',
      { fields: wrong },
    );
  }
  return fields;
}
