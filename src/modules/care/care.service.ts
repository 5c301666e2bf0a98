/**
 * Care of a survivor once the case is open: risk assessments (with their history) and the services planned for them.
 * In-country referrals to other agencies are in referrals.service.ts.
 */
import { ulid } from 'ulid';
import type { Db, Queryable } from '../../db/client.ts';
import { AppError, invalid, notFound } from '../../lib/errors.ts';
import { SERVICE_STATUSES, SERVICE_TYPES, type ServiceStatus } from '../../shared/care.ts';
import { type FieldError, type FieldMap, today } from '../../shared/case-fields.ts';
import { actorRef } from '../../shared/policy.ts';
import {
  assessRisk,
  CURRENT_RISK_INSTRUMENT,
  RISK_INSTRUMENTS,
  type RiskInstrument,
  riskChange,
} from '../../shared/risk.ts';
import { isSealedField, SEALED_CASE_FIELDS } from '../../shared/sealed-fields.ts';
import type { AuditService, RequestContext } from '../audit/index.ts';
import {
  type CaseAccess,
  type CaseRow,
  type CasesService,
  type DataSealer,
  fieldErrors,
  openFields,
  sealFields,
} from '../cases/index.ts';
import type { SurvivorsService } from '../survivors/index.ts';
import { agencyCountry } from '../user-accounts/index.ts';
import * as care from './care.repository.ts';
import {
  type NewRiskAssessment,
  type NewService,
  parsePlanFields,
  planLanguage,
  type RiskAssessmentView,
  SAFETY_PLAN_MAX,
  SERVICE_TRANSITIONS,
  type ServiceChanges,
} from './care-input.ts';

/** What binds a sealed safety plan to its assessment, and a referral's reasons to it (referrals.service.ts). */
const SAFETY_PLAN = 'safety_plan';
const REFERRAL_REASON = 'reason';
const REFERRAL_STATUS_REASON = 'status_reason';

/** A service plan as the API shows it: its sealed fields opened, or named in `erasedFields`. */
export type SupportPlanView = Omit<care.SupportPlanRow, 'sealed'> & { erasedFields: string[] };

function openAssessment(sealer: DataSealer, row: care.RiskAssessmentRow): care.RiskAssessmentRow {
  const { safetyPlanSealed, ...rest } = row;
  if (!safetyPlanSealed) return { ...rest, safetyPlanSealed: null };
  const safetyPlan = sealer.open(row.id, SAFETY_PLAN, safetyPlanSealed);
  return {
    ...rest,
    safetyPlan,
    safetyPlanSealed: null,
    ...(safetyPlan === null ? { erasedFields: [SAFETY_PLAN] } : {}),
  };
}

function sealPlanFields(sealer: DataSealer, planId: string, all: FieldMap) {
  const { clear, sealed } = sealFields(sealer, planId, all);
  return { fields: clear, sealed };
}

function openPlan(sealer: DataSealer, plan: care.SupportPlanRow): SupportPlanView {
  const { sealed, ...rest } = plan;
  const { fields, erased } = openFields(sealer, plan.id, sealed);
  return { ...rest, fields: { ...plan.fields, ...fields }, erasedFields: erased };
}

export class CareService {
  readonly #db: Db;
  readonly #audit: AuditService;
  readonly #cases: CasesService;
  readonly #access: CaseAccess;
  readonly #survivors: SurvivorsService;

  constructor(
    db: Db,
    audit: AuditService,
    deps: { cases: CasesService; survivors: SurvivorsService; access: CaseAccess },
  ) {
    this.#db = db;
    this.#audit = audit;
    this.#cases = deps.cases;
    this.#access = deps.access;
    this.#survivors = deps.survivors;
  }

  /** The questionnaire new assessments use, with its answers and weights, for the form and its explanation. */
  currentInstrument(): RiskInstrument {
    return RISK_INSTRUMENTS[CURRENT_RISK_INSTRUMENT] as RiskInstrument;
  }

  /** Scores and stores an assessment. A high level needs a safety plan: without one nothing is stored. */
  async assessRisk(ctx: RequestContext, caseId: string, input: NewRiskAssessment): Promise<RiskAssessmentView> {
    // The answers are checked once the policy allowed the caller (in #write): a caller who may not assess is refused
    // whatever they sent, and learns nothing of the instrument's rules.
    return this.#write(ctx, caseId, 'risk.assess', async (tx, actor, found) => {
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
      const [previous] = await care.riskAssessments(tx, caseId);
      const id = ulid();
      const sealer = await this.#survivors.dataSealer(tx, found.survivorId);
      const safetyPlanSealed = safetyPlan ? sealer.seal(id, SAFETY_PLAN, safetyPlan) : null;
      const row = { id, caseId, answers: { ...input.answers }, safetyPlanSealed, assessedBy: actor, ...result };
      await care.insertRiskAssessment(tx, row);
      // The safety plan is never copied into the timeline: it may say where the survivor is.
      await this.#cases.recordEvent(tx, caseId, actor, 'risk_assessed', {
        assessmentId: row.id,
        level: result.level,
        score: result.score,
        instrument: result.instrument,
      });
      const [stored] = await care.riskAssessments(tx, caseId);
      const view = openAssessment(sealer, stored as care.RiskAssessmentRow);
      return { ...view, change: previous ? riskChange(previous, result) : null };
    });
  }

  /** Every assessment of the case, newest first, each compared with the one before it. */
  async riskHistory(ctx: RequestContext, caseId: string): Promise<RiskAssessmentView[]> {
    const found = await this.#access.readable(this.#db, ctx, caseId, 'care.read');
    const rows = await care.riskAssessments(this.#db, caseId);
    const sealer = await this.#survivors.dataSealer(this.#db, found.survivorId);
    const history = rows.map((row, i) => {
      const previous = rows[i + 1];
      return { ...openAssessment(sealer, row), change: previous ? riskChange(previous, row) : null };
    });
    await this.#audit.recordRead(ctx, { action: 'risk.read', resource: `case:${caseId}` });
    return history;
  }

  async planService(ctx: RequestContext, caseId: string, input: NewService): Promise<SupportPlanView> {
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
    return this.#write(ctx, caseId, 'service.plan', async (tx, actor, found) => {
      await this.#checkProvider(tx, input.providerAgencyId);
      const id = ulid();
      const sealer = await this.#survivors.dataSealer(tx, found.survivorId);
      const stored = await care.insertSupportPlan(tx, {
        id,
        caseId,
        type: input.type,
        ...sealPlanFields(sealer, id, fields),
        language,
        providerAgencyId: input.providerAgencyId ?? null,
        status,
        createdBy: actor,
      });
      const plan = openPlan(sealer, stored);
      await this.#cases.recordEvent(tx, caseId, actor, 'service_planned', {
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
  ): Promise<SupportPlanView> {
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
    if (status !== undefined && !(SERVICE_STATUSES as readonly string[]).includes(status)) {
      errors.push({ field: 'status', reason: `use one of ${SERVICE_STATUSES.join(', ')}` });
    }
    const parsed = parsePlanFields(fieldInput, errors);
    if (errors.length > 0) throw fieldErrors(errors);
    return this.#write(ctx, caseId, 'service.plan', async (tx, actor, found) => {
      const stored = await care.findSupportPlan(tx, caseId, serviceId, true);
      if (!stored) throw notFound('The service');
      const sealer = await this.#survivors.dataSealer(tx, found.survivorId);
      const plan = openPlan(sealer, stored);
      const language =
        changes.language === undefined ? plan.language : planLanguage(plan.type, changes.language, errors);
      if (errors.length > 0) throw fieldErrors(errors);
      const fields = { ...plan.fields, ...parsed };
      for (const [name, value] of Object.entries(fieldInput)) if (value === null || value === '') delete fields[name];
      const next = (status ?? plan.status) as ServiceStatus;
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
      const updated = await care.updateSupportPlan(tx, serviceId, {
        ...sealPlanFields(sealer, serviceId, fields),
        language,
        providerAgencyId,
        status: next,
      });
      const changed = [...new Set([...Object.keys(plan.fields), ...Object.keys(fields)])].filter(
        (name) => JSON.stringify(plan.fields[name]) !== JSON.stringify(fields[name]),
      );
      if (providerAgencyId !== plan.providerAgencyId) changed.push('providerAgencyId');
      if (language !== plan.language) changed.push('language');
      const ref = { serviceId, type: plan.type };
      if (changed.length > 0)
        await this.#cases.recordEvent(tx, caseId, actor, 'service_updated', { ...ref, fields: changed });
      if (next !== plan.status) {
        await this.#cases.recordEvent(tx, caseId, actor, 'service_status_changed', {
          ...ref,
          from: plan.status,
          to: next,
        });
      }
      return openPlan(sealer, updated);
    });
  }

  async services(ctx: RequestContext, caseId: string): Promise<SupportPlanView[]> {
    const found = await this.#access.readable(this.#db, ctx, caseId, 'care.read');
    const sealer = await this.#survivors.dataSealer(this.#db, found.survivorId);
    const plans = (await care.supportPlans(this.#db, caseId)).map((plan) => openPlan(sealer, plan));
    await this.#audit.recordRead(ctx, { action: 'service.read', resource: `case:${caseId}` });
    return plans;
  }

  /**
   * Seals what a wave 1 node kept in clear (the upgrade step, src/app/seal-at-rest.ts, in its transaction): safety
   * plans, the sealed fields of service plans, and referral reasons. What belongs to a survivor whose identity was
   * erased is dropped instead. Returns how many records changed; a second run finds none.
   */
  async sealClearText(tx: Queryable): Promise<number> {
    const sealers = new Map<string, DataSealer>();
    const sealerOf = async (caseId: string) => {
      let sealer = sealers.get(caseId);
      if (!sealer) {
        const found = await this.#access.load(tx, caseId);
        sealer = await this.#survivors.dataSealer(tx, found.survivorId);
        sealers.set(caseId, sealer);
      }
      return sealer;
    };
    let changed = 0;
    for (const a of await care.assessmentsWithClearPlan(tx)) {
      const sealer = await sealerOf(a.caseId);
      await care.sealSafetyPlan(tx, a.id, sealer.erased ? null : sealer.seal(a.id, SAFETY_PLAN, a.safetyPlan ?? ''));
      changed++;
    }
    for (const plan of await care.plansWithClearText(tx, SEALED_CASE_FIELDS)) {
      const sealer = await sealerOf(plan.caseId);
      // A plan of a survivor whose identity was erased loses those fields: they should have gone with her.
      const next = sealer.erased
        ? {
            fields: Object.fromEntries(Object.entries(plan.fields).filter(([name]) => !isSealedField(name))),
            sealed: {},
          }
        : sealPlanFields(sealer, plan.id, plan.fields);
      await care.resealPlan(tx, plan.id, {
        ...next,
        sealed: { ...plan.sealed, ...next.sealed },
        language: plan.language,
      });
      changed++;
    }
    for (const r of await care.referralsWithClearText(tx)) {
      const sealer = await sealerOf(r.caseId);
      const seal = (field: string, text: string | null) =>
        text && !sealer.erased ? sealer.seal(r.id, field, text) : null;
      await care.sealReferralReasons(tx, r.id, {
        reason: seal(REFERRAL_REASON, r.reason),
        statusReason: seal(REFERRAL_STATUS_REASON, r.statusReason),
      });
      changed++;
    }
    return changed;
  }

  async #checkProvider(q: Queryable, agencyId: string | undefined): Promise<void> {
    if (agencyId && !(await agencyCountry(q, agencyId))) {
      throw new AppError('unknown_agency', 400, 'The provider agency (providerAgencyId) does not exist on this node.');
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
    change: (tx: Queryable, actor: string, found: CaseRow) => Promise<T>,
  ): Promise<T> {
    await this.#access.authorize(this.#db, ctx, action, await this.#access.load(this.#db, caseId));
    return this.#db.transaction(async (tx) => {
      const found = await this.#access.load(tx, caseId, true);
      const result = await change(tx, actorRef(ctx.actor), found);
      await this.#audit.record(tx, ctx, { action, resource: `case:${caseId}`, outcome: 'success' });
      return result;
    });
  }
}
