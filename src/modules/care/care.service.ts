/**
 * Care of a survivor once the case is open: risk assessments (with their history), the services planned for them,
 * and in-country referrals to other agencies of the node, which share the case only as far as the survivor consented.
 */
import { ulid } from 'ulid';
import type { Queryable } from '../../db/client.ts';
import { AppError, invalid, notFound } from '../../lib/errors.ts';
import {
  type FieldError,
  type FieldMap,
  isIdentityField,
  isIsoDate,
  isLanguageCode,
  parseGroup,
  today,
} from '../../shared/case-fields.ts';
import { consentCovers } from '../../shared/consent.ts';
import { picklistValues } from '../../shared/htcds.ts';
import { type Actor, actorRef, agenciesFor } from '../../shared/policy.ts';
import {
  assessRisk,
  CURRENT_RISK_INSTRUMENT,
  RISK_INSTRUMENTS,
  type RiskChange,
  type RiskInstrument,
  riskChange,
} from '../../shared/risk.ts';
import type { AuditService, RequestContext } from '../audit/index.ts';
import { authorizeCase, CasesService, fieldErrors, loadCase, readableCase, repo } from '../cases/index.ts';
import * as care from './care.repository.ts';

const HTCDS_SERVICE_TYPES = picklistValues('spl_Type');
// HTCDS spl_Type has no value for interpreting, cultural mediation or accommodation; Passage adds them.
const SERVICE_TYPE_EXTENSIONS = ['Interpreter', 'CulturalMediation', 'Shelter'];
export const SERVICE_TYPES: readonly string[] = [
  ...HTCDS_SERVICE_TYPES,
  ...SERVICE_TYPE_EXTENSIONS.filter((type) => !HTCDS_SERVICE_TYPES.includes(type)),
];

const SERVICE_TRANSITIONS: Record<care.ServiceStatus, readonly care.ServiceStatus[]> = {
  planned: ['active', 'cancelled'],
  active: ['completed', 'cancelled'],
  completed: [],
  cancelled: [],
};

/** What a referral shares when the sender does not choose: enough to contact the survivor, nothing more. */
export const DEFAULT_SHARED_FIELDS = ['prs_FirstName', 'prs_MiddleName', 'prs_SecondName', 'prs_MobilePhone'];

const SAFETY_PLAN_MAX = 20000;
const REASON_MAX = 2000;

export interface NewRiskAssessment {
  /** Defaults to the current instrument version. */
  instrument?: string;
  /** Question id → answer value. */
  answers: Record<string, string>;
  safetyPlan?: string;
}

export interface RiskAssessmentView extends care.RiskAssessmentRow {
  /** Against the assessment before it; null for the first. */
  change: RiskChange | null;
}

export interface NewService {
  type: string;
  /** spl_ fields except spl_Type. */
  fields?: Record<string, unknown>;
  providerAgencyId?: string;
  /** ISO 639 code; required for (and only for) Interpreter. */
  language?: string;
  status?: 'planned' | 'active';
}

export interface ServiceChanges {
  status?: string;
  /** null removes a field. */
  fields?: Record<string, unknown>;
  providerAgencyId?: string | null;
  language?: string;
}

export interface NewReferral {
  toAgencyId: string;
  /** Service types the receiving agency is asked to provide. */
  services: string[];
  reason: string;
  /** Identity fields the receiving agency may read once it accepts; defaults to names and mobile phone. */
  sharedFields?: string[];
}

const consentRequired = (when: string) =>
  new AppError(
    'consent_required',
    409,
    `The survivor has not consented to sharing their case with this agency (purpose sharing_in_country)${when}. ` +
      "Record the survivor's consent for this agency, or an override on a legal basis, first.",
  );

function requireReason(text: string | undefined, what: string): string {
  const value = text?.trim() ?? '';
  if (!value) throw invalid(`Give the reason ${what}.`);
  if (value.length > REASON_MAX) throw invalid(`The reason is longer than ${REASON_MAX} characters.`);
  return value;
}

function memberAgencies(actor: Actor): string[] {
  return actor.kind === 'user' ? actor.memberships.flatMap((m) => (m.agencyId ? [m.agencyId] : [])) : [];
}

/** spl_ fields of a plan; spl_PlannedEndDate may lie ahead (the shared parser refuses future dates). */
function parsePlanFields(input: Record<string, unknown>, errors: FieldError[]): FieldMap {
  const { spl_Type: type, spl_PlannedEndDate: planned, ...rest } = input;
  if (type !== undefined && type !== null) {
    errors.push({ field: 'spl_Type', reason: 'give the service type as "type", not as a field' });
  }
  const parsed = parseGroup('supportPlan', rest);
  errors.push(...parsed.errors);
  const fields = parsed.value;
  if (planned !== undefined && planned !== null && planned !== '') {
    if (typeof planned === 'string' && isIsoDate(planned.trim())) fields.spl_PlannedEndDate = planned.trim();
    else errors.push({ field: 'spl_PlannedEndDate', reason: 'must be a date written YYYY-MM-DD' });
  }
  return fields;
}

function planLanguage(type: string, language: string | undefined, errors: FieldError[]): string | null {
  const code = language?.trim().toLowerCase();
  if (type !== 'Interpreter') {
    if (code) errors.push({ field: 'language', reason: 'only an Interpreter service has a language' });
    return null;
  }
  if (!code) errors.push({ field: 'language', reason: 'an Interpreter service needs the language (ISO 639 code)' });
  else if (!isLanguageCode(code)) errors.push({ field: 'language', reason: 'is not an ISO 639 language code' });
  return code ?? null;
}

export class CareService {
  readonly #cases: CasesService;
  readonly #audit: AuditService;

  constructor(cases: CasesService) {
    this.#cases = cases;
    this.#audit = cases.audit;
  }

  get #db() {
    return this.#cases.db;
  }

  /** The questionnaire new assessments use, with its answers and weights, for the form and its explanation. */
  currentInstrument(): RiskInstrument {
    return RISK_INSTRUMENTS[CURRENT_RISK_INSTRUMENT] as RiskInstrument;
  }

  /** Scores and stores an assessment. A high level needs a safety plan: without one nothing is stored. */
  async assessRisk(ctx: RequestContext, caseId: string, input: NewRiskAssessment): Promise<RiskAssessmentView> {
    const result = assessRisk(input.instrument ?? CURRENT_RISK_INSTRUMENT, input.answers);
    const safetyPlan = input.safetyPlan?.trim() || null;
    if (safetyPlan && safetyPlan.length > SAFETY_PLAN_MAX) {
      throw invalid(`The safety plan is longer than ${SAFETY_PLAN_MAX} characters.`);
    }
    if (result.safetyPlanRequired && !safetyPlan) {
      throw new AppError(
        'safety_plan_required',
        400,
        'The risk is high: write the safety plan (safetyPlan) with the assessment. Nothing was saved.',
        { level: result.level, score: result.score, questions: result.reasons.map((r) => r.question) },
      );
    }
    return this.#write(ctx, caseId, 'risk.assess', async (tx, actor) => {
      const [previous] = await care.riskAssessments(tx, caseId);
      const row = { id: ulid(), caseId, answers: { ...input.answers }, safetyPlan, assessedBy: actor, ...result };
      await care.insertRiskAssessment(tx, row);
      // The safety plan is never copied into the timeline: it may say where the survivor is.
      await repo.appendEvent(tx, caseId, actor, 'risk_assessed', {
        assessmentId: row.id,
        level: result.level,
        score: result.score,
        instrument: result.instrument,
      });
      const [stored] = await care.riskAssessments(tx, caseId);
      return { ...(stored as care.RiskAssessmentRow), change: previous ? riskChange(previous, result) : null };
    });
  }

  /** Every assessment of the case, newest first, each compared with the one before it. */
  async riskHistory(ctx: RequestContext, caseId: string): Promise<RiskAssessmentView[]> {
    await readableCase(this.#db, this.#audit, ctx, caseId);
    const rows = await care.riskAssessments(this.#db, caseId);
    return rows.map((row, i) => {
      const previous = rows[i + 1];
      return { ...row, change: previous ? riskChange(previous, row) : null };
    });
  }

  async planService(ctx: RequestContext, caseId: string, input: NewService): Promise<care.SupportPlanRow> {
    const errors: FieldError[] = [];
    if (!SERVICE_TYPES.includes(input.type)) {
      errors.push({ field: 'type', reason: `is not a service type; use one of ${SERVICE_TYPES.join(', ')}` });
    }
    const status = input.status ?? 'planned';
    if (status !== 'planned' && status !== 'active') {
      errors.push({ field: 'status', reason: 'a new service is planned or active' });
    }
    const fields = parsePlanFields(input.fields ?? {}, errors);
    const language = planLanguage(input.type, input.language, errors);
    if (errors.length > 0) throw fieldErrors(errors);
    return this.#write(ctx, caseId, 'service.plan', async (tx, actor) => {
      await this.#checkProvider(tx, input.providerAgencyId);
      const plan = await care.insertSupportPlan(tx, {
        id: ulid(),
        caseId,
        type: input.type,
        fields,
        language,
        providerAgencyId: input.providerAgencyId ?? null,
        status,
        createdBy: actor,
      });
      await repo.appendEvent(tx, caseId, actor, 'service_planned', {
        serviceId: plan.id,
        type: plan.type,
        status,
        providerAgencyId: plan.providerAgencyId,
      });
      return plan;
    });
  }

  /** Moves a service along planned → active → completed | cancelled, and changes its fields (null removes one). */
  async changeService(
    ctx: RequestContext,
    caseId: string,
    serviceId: string,
    changes: ServiceChanges,
  ): Promise<care.SupportPlanRow> {
    const fieldInput = changes.fields ?? {};
    if (
      changes.status === undefined &&
      Object.keys(fieldInput).length === 0 &&
      changes.providerAgencyId === undefined &&
      changes.language === undefined
    ) {
      throw invalid('Say what to change: status, fields, providerAgencyId or language.');
    }
    const errors: FieldError[] = [];
    const status = changes.status;
    if (status !== undefined && !(care.SERVICE_STATUSES as readonly string[]).includes(status)) {
      errors.push({ field: 'status', reason: `use one of ${care.SERVICE_STATUSES.join(', ')}` });
    }
    const parsed = parsePlanFields(fieldInput, errors);
    if (errors.length > 0) throw fieldErrors(errors);
    return this.#write(ctx, caseId, 'service.plan', async (tx, actor) => {
      const plan = await care.findSupportPlan(tx, caseId, serviceId, true);
      if (!plan) throw notFound('The service');
      const language =
        changes.language === undefined ? plan.language : planLanguage(plan.type, changes.language, errors);
      if (errors.length > 0) throw fieldErrors(errors);
      const fields = { ...plan.fields, ...parsed };
      for (const [name, value] of Object.entries(fieldInput)) if (value === null || value === '') delete fields[name];
      const next = (status ?? plan.status) as care.ServiceStatus;
      if (next !== plan.status) {
        if (!SERVICE_TRANSITIONS[plan.status].includes(next)) {
          const allowed = SERVICE_TRANSITIONS[plan.status].join(', ') || 'nothing else (it is final)';
          throw new AppError(
            'service_transition_not_allowed',
            409,
            `A ${plan.status} service cannot become ${next}. It can become: ${allowed}.`,
          );
        }
        if (next === 'completed') fields.spl_ActualEndDate ??= today();
      }
      if (changes.providerAgencyId) await this.#checkProvider(tx, changes.providerAgencyId);
      const providerAgencyId =
        changes.providerAgencyId === undefined ? plan.providerAgencyId : changes.providerAgencyId || null;
      const updated = await care.updateSupportPlan(tx, serviceId, { fields, language, providerAgencyId, status: next });
      const changed = [...new Set([...Object.keys(plan.fields), ...Object.keys(fields)])].filter(
        (name) => JSON.stringify(plan.fields[name]) !== JSON.stringify(fields[name]),
      );
      if (providerAgencyId !== plan.providerAgencyId) changed.push('providerAgencyId');
      if (language !== plan.language) changed.push('language');
      const ref = { serviceId, type: plan.type };
      if (changed.length > 0) await repo.appendEvent(tx, caseId, actor, 'service_updated', { ...ref, fields: changed });
      if (next !== plan.status) {
        await repo.appendEvent(tx, caseId, actor, 'service_status_changed', { ...ref, from: plan.status, to: next });
      }
      return updated;
    });
  }

  async services(ctx: RequestContext, caseId: string): Promise<care.SupportPlanRow[]> {
    await readableCase(this.#db, this.#audit, ctx, caseId);
    return care.supportPlans(this.#db, caseId);
  }

  async #checkProvider(q: Queryable, agencyId: string | undefined): Promise<void> {
    if (agencyId && !(await care.agencyExists(q, agencyId))) {
      throw new AppError('unknown_agency', 400, 'The provider agency (providerAgencyId) does not exist on this node.');
    }
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
    const sharedFields = [...new Set(input.sharedFields ?? DEFAULT_SHARED_FIELDS)];
    for (const name of sharedFields.filter((f) => !isIdentityField(f))) {
      errors.push({ field: 'sharedFields', reason: `"${name.slice(0, 40)}" is not an identity field` });
    }
    if (errors.length > 0) throw fieldErrors(errors);
    const reason = requireReason(input.reason, 'for the referral');

    const found = await loadCase(this.#db, caseId);
    await authorizeCase(this.#db, this.#audit, ctx, 'referral.offer', found);
    if (toAgencyId === found.agencyId) {
      throw new AppError('referral_to_own_agency', 400, 'The case already belongs to that agency: refer to another.');
    }
    const id = ulid();
    await this.#consentGuarded(ctx, 'referral.offer', `case:${caseId}`, async (tx) => {
      // Under the case's row lock, so that two offers to one agency cannot both pass the check below.
      await loadCase(tx, caseId, true);
      const actor = actorRef(ctx.actor);
      if (!(await care.agencyExists(tx, toAgencyId))) {
        throw new AppError('unknown_agency', 400, 'The agency to refer to (toAgencyId) does not exist on this node.');
      }
      if (await care.openReferral(tx, caseId, toAgencyId)) {
        throw new AppError(
          'referral_exists',
          409,
          'The case is already offered to or shared with that agency. Revoke that referral first.',
        );
      }
      const consent = consentCovers(await repo.consents(tx, found.survivorId), 'sharing_in_country', {
        agencyId: toAgencyId,
      });
      if (!consent.covered) throw consentRequired('');
      await care.insertReferral(tx, {
        id,
        caseId,
        fromAgencyId: found.agencyId,
        toAgencyId,
        services,
        sharedFields,
        reason,
        offeredBy: actor,
      });
      await repo.appendEvent(tx, caseId, actor, 'referral_offered', {
        referralId: id,
        toAgencyId,
        services,
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
      const found = await loadCase(tx, referral.caseId);
      const consent = consentCovers(await repo.consents(tx, found.survivorId), 'sharing_in_country', {
        agencyId: referral.toAgencyId,
      });
      if (!consent.covered) throw consentRequired(' any more; the referring agency must renew it or revoke the offer');
      const actor = actorRef(ctx.actor);
      await care.changeReferralStatus(tx, id, 'accepted', actor, null);
      await repo.appendEvent(tx, referral.caseId, actor, 'referral_accepted', {
        referralId: id,
        toAgencyId: referral.toAgencyId,
      });
      const person = await repo.findPerson(tx, found.survivorId);
      if (referral.sharedFields.length > 0 && person?.wrappedKey) {
        // The referring agency discloses; the acceptance is when the receiver gets the fields.
        await repo.insertDisclosure(tx, {
          personId: person.id,
          actor: referral.offeredBy,
          agencyId: referral.fromAgencyId,
          kind: 'share',
          purpose: 'case_management',
          fields: referral.sharedFields,
          recipient: `agency:${referral.toAgencyId}`,
          requestId: ctx.requestId,
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
      await care.changeReferralStatus(tx, id, 'declined', actor, why);
      await repo.appendEvent(tx, referral.caseId, actor, 'referral_declined', {
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
    await authorizeCase(this.#db, this.#audit, ctx, 'referral.offer', await loadCase(this.#db, referral.caseId));
    await this.#db.transaction(async (tx) => {
      const current = (await care.findReferral(tx, id, true)) as care.ReferralRow;
      if (current.status !== 'offered' && current.status !== 'accepted') {
        throw new AppError('referral_closed', 409, `The referral was ${current.status}; there is nothing to revoke.`);
      }
      const actor = actorRef(ctx.actor);
      await care.changeReferralStatus(tx, id, 'revoked', actor, why);
      await repo.appendEvent(tx, current.caseId, actor, 'referral_revoked', {
        referralId: id,
        toAgencyId: current.toAgencyId,
        previousStatus: current.status,
        reason: why,
      });
      await this.#audit.record(tx, ctx, { action: 'referral.revoke', resource: `referral:${id}`, outcome: 'success' });
    });
    return this.#referral(id);
  }

  /** The case's referrals, newest first; an agency that received the case sees only its own. */
  async caseReferrals(ctx: RequestContext, caseId: string): Promise<care.ReferralRow[]> {
    const found = await readableCase(this.#db, this.#audit, ctx, caseId);
    const { referrals } = await care.listReferrals(this.#db, { caseId });
    if (CasesService.ownsCase(ctx.actor, found)) return referrals;
    const mine = memberAgencies(ctx.actor);
    return referrals.filter((r) => mine.includes(r.toAgencyId));
  }

  /** An agency's inbox (incoming) or sent referrals (outgoing), newest first. */
  async referrals(
    ctx: RequestContext,
    filter: { direction?: 'incoming' | 'outgoing'; status?: string; limit: number; offset: number },
  ): Promise<{ total: number; referrals: care.ReferralRow[] }> {
    const direction = filter.direction ?? 'incoming';
    if (filter.status !== undefined && !(care.REFERRAL_STATUSES as readonly string[]).includes(filter.status)) {
      throw invalid(`"${filter.status.slice(0, 40)}" is not a referral status.`);
    }
    const action = direction === 'incoming' ? 'referral.respond' : 'referral.offer';
    const agencies = agenciesFor(ctx.actor, action);
    if (agencies?.length === 0) await this.#audit.authorize(ctx, action);
    return care.listReferrals(this.#db, {
      ...filter,
      direction,
      agencies,
      status: filter.status as care.ReferralStatus | undefined,
    });
  }

  async #referral(id: string): Promise<care.ReferralRow> {
    const referral = await care.findReferral(this.#db, id);
    if (!referral) throw notFound('The referral');
    return referral;
  }

  /** Only the receiving agency answers an offer. */
  async #respondable(ctx: RequestContext, id: string): Promise<void> {
    const referral = await this.#referral(id);
    await this.#audit.authorize(ctx, 'referral.respond', {
      resource: { agencyId: referral.toAgencyId },
      ref: `referral:${id}`,
    });
  }

  async #offered(tx: Queryable, id: string, answer: string): Promise<care.ReferralRow> {
    const referral = (await care.findReferral(tx, id, true)) as care.ReferralRow;
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
      if (error instanceof AppError && error.id === 'consent_required') {
        await this.#audit.recordDenied(ctx, action, ref);
      }
      throw error;
    }
  }

  /**
   * Authorizes `action` on the case before the transaction (a refusal is audited in a transaction of its own), then
   * runs the change under the case's row lock with its audit record.
   */
  async #write<T>(
    ctx: RequestContext,
    caseId: string,
    action: 'risk.assess' | 'service.plan',
    change: (tx: Queryable, actor: string) => Promise<T>,
  ): Promise<T> {
    await authorizeCase(this.#db, this.#audit, ctx, action, await loadCase(this.#db, caseId));
    return this.#db.transaction(async (tx) => {
      await loadCase(tx, caseId, true);
      const result = await change(tx, actorRef(ctx.actor));
      await this.#audit.record(tx, ctx, { action, resource: `case:${caseId}`, outcome: 'success' });
      return result;
    });
  }
}
