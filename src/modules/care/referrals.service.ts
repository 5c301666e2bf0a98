/**
 * In-country referrals: a case offered to another agency of the node, which shares it (and the identity fields the
 * referral names) only as far as the survivor consented, and only while the consent stands.
 */
import { ulid } from 'ulid';
import type { Db, Queryable } from '../../db/client.ts';
import { AppError, invalid, notFound } from '../../lib/errors.ts';
import { DEFAULT_SHARED_FIELDS, REFERRAL_STATUSES, type ReferralStatus, SERVICE_TYPES } from '../../shared/care.ts';
import { type FieldError, isIdentityField } from '../../shared/case-fields.ts';
import { type ConsentRecord, consentCovers, missingCoverage, type SharingPurpose } from '../../shared/consent.ts';
import { barsOnwardSharing } from '../../shared/handling.ts';
import { actorRef } from '../../shared/policy.ts';
import type { AuditService, RequestContext } from '../audit/index.ts';
import {
  type CaseAccess,
  type CaseRow,
  CasesService,
  caseReferences,
  casesReached,
  type DataSealer,
  fieldErrors,
} from '../cases/index.ts';
import type { SurvivorsService } from '../survivors/index.ts';
import { agencyCountry } from '../user-accounts/index.ts';
import * as care from './care.repository.ts';
import { consentRequired, memberAgencies, type NewReferral, purposeNotCovered, requireReason } from './care-input.ts';

/** Why a referral's consent check failed: the agency is not covered, or the purpose is not. */
function notCovered(records: ConsentRecord[], agencyId: string, use: SharingPurpose, when: string) {
  return missingCoverage(records, 'sharing_in_country', { agencyId, use }) === 'purpose'
    ? purposeNotCovered(use, when)
    : consentRequired(when);
}

/** The refusals for want of consent, or barred by the handling code the case came under, audited as denials. */
const CONSENT_REFUSALS = ['consent_required', 'consent_purpose_not_covered', 'handling_no_forwarding'];

/**
 * Under which handling codes a case came from other nodes (the cross-border module, given by the composition root):
 * a case received under H2 (no onward sharing) is not referred on, in the country either.
 */
export interface ReceivedHandling {
  receivedUnder(q: Queryable, caseId: string): Promise<{ peer: string; handlingCode: string }[]>;
}

/** What binds a referral's sealed reasons to it. */
const REASON = 'reason';
const STATUS_REASON = 'status_reason';

export class ReferralsService {
  readonly #db: Db;
  readonly #audit: AuditService;
  readonly #cases: CasesService;
  readonly #access: CaseAccess;
  readonly #survivors: SurvivorsService;
  readonly #received: ReceivedHandling | undefined;

  constructor(
    db: Db,
    audit: AuditService,
    deps: { cases: CasesService; survivors: SurvivorsService; access: CaseAccess; received?: ReceivedHandling },
  ) {
    this.#db = db;
    this.#audit = audit;
    this.#cases = deps.cases;
    this.#access = deps.access;
    this.#survivors = deps.survivors;
    this.#received = deps.received;
  }

  /** Offers the case to another agency of the node, if the survivor's consent to in-country sharing covers it. */
  async offerReferral(ctx: RequestContext, caseId: string, input: NewReferral): Promise<care.ReferralRow> {
    const errors: FieldError[] = [];
    const toAgencyId = input.toAgencyId?.trim() ?? '';
    if (!toAgencyId) errors.push({ field: 'toAgencyId', reason: 'name the agency to refer to' });
    const services = [...new Set(input.services ?? [])];
    if (services.length === 0) errors.push({ field: 'services', reason: 'name at least one service' });
    for (const type of services.filter((s) => !SERVICE_TYPES.includes(s))) {
      errors.push({ field: 'services', reason: `"${type.slice(0, 40)}" is not a service type` });
    }
    const purpose = input.purpose ?? 'services';
    const sharedFields = [...new Set(input.sharedFields ?? DEFAULT_SHARED_FIELDS)];
    for (const name of sharedFields.filter((f) => !isIdentityField(f))) {
      errors.push({ field: 'sharedFields', reason: `"${name.slice(0, 40)}" is not an identity field` });
    }
    if (errors.length > 0) throw fieldErrors(errors);
    const reason = requireReason(input.reason, 'for the referral');

    const found = await this.#access.load(this.#db, caseId);
    await this.#access.authorize(this.#db, ctx, 'referral.offer', found);
    if (toAgencyId === found.agencyId) {
      throw new AppError('referral_to_own_agency', 400, 'The case already belongs to that agency: refer to another.');
    }
    const id = ulid();
    await this.#consentGuarded(ctx, 'referral.offer', `case:${caseId}`, async (tx) => {
      // Under the case's row lock, so that two offers to one agency cannot both pass the check below.
      await this.#access.load(tx, caseId, true);
      const actor = actorRef(ctx.actor);
      const barred = (await this.#received?.receivedUnder(tx, caseId))?.find((r) => barsOnwardSharing(r.handlingCode));
      if (barred) {
        throw new AppError(
          'handling_no_forwarding',
          403,
          `The case came from ${barred.peer} under handling code ${barred.handlingCode}: it may not be passed on, ` +
            'to another agency either.',
        );
      }
      if ((await agencyCountry(tx, toAgencyId)) === null) {
        throw new AppError('unknown_agency', 400, 'The agency to refer to (toAgencyId) does not exist on this node.');
      }
      if (await care.openReferral(tx, caseId, toAgencyId)) {
        throw new AppError(
          'referral_exists',
          409,
          'The case is already offered to or shared with that agency. Revoke that referral first.',
        );
      }
      const records = await this.#survivors.consentsWithin(tx, found.survivorId);
      const consent = consentCovers(records, 'sharing_in_country', { agencyId: toAgencyId, use: purpose });
      if (!consent.covered) throw notCovered(records, toAgencyId, purpose, '');
      await care.insertReferral(tx, {
        id,
        caseId,
        fromAgencyId: found.agencyId,
        toAgencyId,
        services,
        purpose,
        sharedFields,
        reason: await this.#sealReason(tx, caseId, id, REASON, reason),
        offeredBy: actor,
      });
      await this.#cases.recordEvent(tx, caseId, actor, 'referral_offered', {
        referralId: id,
        toAgencyId,
        services,
        purpose,
        sharedFields,
        consent: consent.basis,
        consentId: consent.recordId,
      });
      await this.#audit.record(tx, ctx, { action: 'referral.offer', resource: `referral:${id}`, outcome: 'success' });
    });
    return this.#referral(id);
  }

  /**
   * The receiving agency takes the case on: from now it reads the case, and the identity fields the referral
   * shares. Consent is checked again, as it may have been withdrawn since the offer.
   */
  async acceptReferral(ctx: RequestContext, id: string): Promise<care.ReferralRow> {
    await this.#respondable(ctx, id);
    await this.#consentGuarded(ctx, 'referral.accept', `referral:${id}`, async (tx) => {
      const referral = await this.#offered(tx, id, 'accepted');
      const found = await this.#access.load(tx, referral.caseId);
      const records = await this.#survivors.consentsWithin(tx, found.survivorId);
      const target = { agencyId: referral.toAgencyId, use: referral.purpose };
      if (!consentCovers(records, 'sharing_in_country', target).covered) {
        const when = ' any more; the referring agency must renew it or revoke the offer';
        throw notCovered(records, referral.toAgencyId, referral.purpose, when);
      }
      const actor = actorRef(ctx.actor);
      await care.changeReferralStatus(tx, id, 'accepted', actor, null);
      await this.#cases.recordEvent(tx, referral.caseId, actor, 'referral_accepted', {
        referralId: id,
        toAgencyId: referral.toAgencyId,
      });
      if (referral.sharedFields.length > 0 && (await this.#survivors.hasIdentity(tx, found.survivorId))) {
        // The referring agency discloses; the acceptance is when the receiver gets the fields.
        await this.#survivors.recordDisclosure(tx, {
          personId: found.survivorId,
          actor: referral.offeredBy,
          agencyId: referral.fromAgencyId,
          kind: 'share',
          // The referral's own purpose, which the survivor's consent covered: what the log answers to her.
          purpose: referral.purpose,
          fields: referral.sharedFields,
          recipient: `agency:${referral.toAgencyId}`,
          requestId: ctx.requestId,
          reference: `referral:${id}`,
        });
      }
      await this.#audit.record(tx, ctx, { action: 'referral.accept', resource: `referral:${id}`, outcome: 'success' });
    });
    return this.#referral(id);
  }

  async declineReferral(ctx: RequestContext, id: string, reason: string): Promise<care.ReferralRow> {
    const why = requireReason(reason, 'for declining');
    await this.#respondable(ctx, id);
    await this.#db.transaction(async (tx) => {
      const referral = await this.#offered(tx, id, 'declined');
      const actor = actorRef(ctx.actor);
      const sealed = await this.#sealReason(tx, referral.caseId, id, STATUS_REASON, why);
      await care.changeReferralStatus(tx, id, 'declined', actor, sealed);
      await this.#cases.recordEvent(tx, referral.caseId, actor, 'referral_declined', {
        referralId: id,
        toAgencyId: referral.toAgencyId,
        reason: why,
      });
      await this.#audit.record(tx, ctx, { action: 'referral.decline', resource: `referral:${id}`, outcome: 'success' });
    });
    return this.#referral(id);
  }

  /** The referring agency withdraws an offer, or ends the sharing of an accepted referral. */
  async revokeReferral(ctx: RequestContext, id: string, reason: string): Promise<care.ReferralRow> {
    const why = requireReason(reason, 'for revoking');
    const referral = await this.#referral(id);
    // The sender is the case's agency, which never changes.
    await this.#access.authorize(this.#db, ctx, 'referral.offer', await this.#access.load(this.#db, referral.caseId));
    await this.#db.transaction(async (tx) => {
      const current = (await care.findReferral(tx, id, true)) as care.ReferralRecord;
      if (current.status !== 'offered' && current.status !== 'accepted') {
        throw new AppError('referral_closed', 409, `The referral was ${current.status}; there is nothing to revoke.`);
      }
      const actor = actorRef(ctx.actor);
      const sealed = await this.#sealReason(tx, current.caseId, id, STATUS_REASON, why);
      await care.changeReferralStatus(tx, id, 'revoked', actor, sealed);
      await this.#cases.recordEvent(tx, current.caseId, actor, 'referral_revoked', {
        referralId: id,
        toAgencyId: current.toAgencyId,
        previousStatus: current.status,
        reason: why,
      });
      await this.#shareEnded(tx, current, actor, ctx.requestId);
      await this.#audit.record(tx, ctx, { action: 'referral.revoke', resource: `referral:${id}`, outcome: 'success' });
    });
    return this.#referral(id);
  }

  /** The case's referrals, newest first; an agency that received the case sees only its own. */
  async caseReferrals(ctx: RequestContext, caseId: string): Promise<care.ReferralRow[]> {
    const found = await this.#access.readable(this.#db, ctx, caseId);
    const { referrals } = await care.listReferrals(this.#db, { caseId });
    const mine = memberAgencies(ctx.actor);
    const visible = CasesService.ownsCase(ctx.actor, found)
      ? referrals
      : referrals.filter((r) => mine.includes(r.toAgencyId));
    await this.#audit.recordRead(ctx, {
      action: 'referral.read',
      resource: `case:${caseId}`,
      resources: visible.map((r) => `referral:${r.id}`),
    });
    return this.#withReferences(visible);
  }

  /** An agency's inbox (incoming) or sent referrals (outgoing), newest first. */
  async referrals(
    ctx: RequestContext,
    filter: { direction?: 'incoming' | 'outgoing'; status?: string; limit: number; offset: number },
  ): Promise<{ total: number; referrals: care.ReferralRow[] }> {
    const direction = filter.direction ?? 'incoming';
    if (filter.status !== undefined && !(REFERRAL_STATUSES as readonly string[]).includes(filter.status)) {
      throw invalid(`"${filter.status.slice(0, 40)}" is not a referral status.`);
    }
    const action = direction === 'incoming' ? 'referral.respond' : 'referral.offer';
    // As far as the caller's grants reach: her agencies whole, or the cases assigned to her or her team (issue 14).
    // What an agency receives is another agency's case, which a narrowed grant does not reach: none comes in.
    const reach = await casesReached(this.#db, ctx.actor, action);
    if (reach?.none) await this.#audit.authorize(ctx, action);
    const page = await care.listReferrals(this.#db, {
      ...filter,
      direction,
      agencies: reach?.agencies ?? null,
      caseIds: direction === 'outgoing' ? reach?.caseIds : [],
      status: filter.status as ReferralStatus | undefined,
    });
    await this.#audit.recordRead(ctx, {
      action: 'referral.list',
      resources: page.referrals.map((r) => `referral:${r.id}`),
    });
    return { total: page.total, referrals: await this.#withReferences(page.referrals) };
  }

  /**
   * Ends, in the transaction that withdrew the survivor's consent to sharing in the country, the referrals it no
   * longer covers: the agencies lose their access at once.
   */
  async endUncoveredReferrals(tx: Queryable, found: CaseRow, actor: string): Promise<void> {
    const standing = await this.#survivors.consentsWithin(tx, found.survivorId);
    const { referrals } = await care.listReferrals(tx, { caseId: found.id });
    for (const referral of referrals) {
      if (referral.status !== 'offered' && referral.status !== 'accepted') continue;
      const target = { agencyId: referral.toAgencyId, use: referral.purpose };
      if (consentCovers(standing, 'sharing_in_country', target).covered) continue;
      const reason = 'The survivor withdrew consent to sharing in the country.';
      const sealed = await this.#sealReason(tx, found.id, referral.id, STATUS_REASON, reason);
      await care.changeReferralStatus(tx, referral.id, 'revoked', actor, sealed);
      await this.#cases.recordEvent(tx, found.id, actor, 'referral_revoked', {
        referralId: referral.id,
        toAgencyId: referral.toAgencyId,
        previousStatus: referral.status,
        reason,
      });
      await this.#shareEnded(tx, referral, actor, null);
    }
  }

  /**
   * The survivor's disclosure log records the end of an accepted referral's sharing: from now the agency reads
   * nothing more of the survivor. An offer never accepted had shared nothing.
   */
  async #shareEnded(tx: Queryable, r: care.ReferralRecord, actor: string, requestId: string | null): Promise<void> {
    if (r.status !== 'accepted' || r.sharedFields.length === 0) return;
    await this.#survivors.recordCaseDisclosure(tx, r.caseId, {
      actor,
      agencyId: r.fromAgencyId,
      kind: 'withdrawal',
      purpose: r.purpose,
      fields: r.sharedFields,
      recipient: `agency:${r.toAgencyId}`,
      requestId,
      reference: `referral:${r.id}`,
    });
  }

  async #referral(id: string): Promise<care.ReferralRow> {
    const referral = await care.findReferral(this.#db, id);
    if (!referral) throw notFound('The referral');
    const [shown] = await this.#withReferences([referral]);
    return shown as care.ReferralRow;
  }

  /** Referrals as the API shows them, with their cases' references. */
  async #withReferences(records: care.ReferralRecord[]): Promise<care.ReferralRow[]> {
    const caseIds = [...new Set(records.map((r) => r.caseId))];
    const references = await caseReferences(this.#db, caseIds);
    const sealers = new Map<string, DataSealer>();
    for (const caseId of caseIds) {
      const found = await this.#access.load(this.#db, caseId);
      sealers.set(caseId, await this.#survivors.dataSealer(this.#db, found.survivorId));
    }
    return records.map(({ reasonSealed, statusReasonSealed, ...r }) => {
      const sealer = sealers.get(r.caseId) as DataSealer;
      return {
        ...r,
        reason: reasonSealed ? sealer.open(r.id, REASON, reasonSealed) : r.reason,
        statusReason: statusReasonSealed ? sealer.open(r.id, STATUS_REASON, statusReasonSealed) : r.statusReason,
        caseReference: references.get(r.caseId) ?? '',
      };
    });
  }

  /** A referral's reason sealed under the survivor's data key, bound to the referral: it is erased with her identity. */
  async #sealReason(tx: Queryable, caseId: string, referralId: string, field: string, text: string): Promise<string> {
    const found = await this.#access.load(tx, caseId);
    return (await this.#survivors.dataSealer(tx, found.survivorId)).seal(referralId, field, text);
  }

  /** Only the receiving agency answers an offer. */
  async #respondable(ctx: RequestContext, id: string): Promise<void> {
    const referral = await this.#referral(id);
    await this.#audit.authorize(ctx, 'referral.respond', {
      resource: { agencyId: referral.toAgencyId },
      ref: `referral:${id}`,
    });
  }

  async #offered(tx: Queryable, id: string, answer: string): Promise<care.ReferralRecord> {
    const referral = (await care.findReferral(tx, id, true)) as care.ReferralRecord;
    if (referral.status !== 'offered') {
      throw new AppError(
        'referral_not_offered',
        409,
        `The referral was ${referral.status}; only an offered referral can be ${answer}.`,
      );
    }
    return referral;
  }

  /** A change refused for want of consent is rolled back, then audited as a denial of its own. */
  async #consentGuarded(
    ctx: RequestContext,
    action: string,
    ref: string,
    change: (tx: Queryable) => Promise<void>,
  ): Promise<void> {
    try {
      await this.#db.transaction(change);
    } catch (error) {
      if (error instanceof AppError && CONSENT_REFUSALS.includes(error.id)) {
        await this.#audit.recordDenied(ctx, action, ref);
      }
      throw error;
    }
  }
}
