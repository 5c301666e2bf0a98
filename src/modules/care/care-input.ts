/** What care's commands take in and check before any policy decision or transaction: plans, assessments, referrals. */
import { AppError, invalid } from '../../lib/errors.ts';
import type { ServiceStatus } from '../../shared/care.ts';
import { type FieldError, type FieldMap, isIsoDate, isLanguageCode, parseGroup } from '../../shared/case-fields.ts';
import type { SharingPurpose } from '../../shared/consent.ts';
import type { Actor } from '../../shared/policy.ts';
import type { RiskChange } from '../../shared/risk.ts';
import type { RiskAssessmentRow } from './care.repository.ts';

export const SERVICE_TRANSITIONS: Record<ServiceStatus, readonly ServiceStatus[]> = {
  planned: ['active', 'cancelled'],
  active: ['completed', 'cancelled'],
  completed: [],
  cancelled: [],
};

export const SAFETY_PLAN_MAX = 20000;
export const REASON_MAX = 2000;

export interface NewRiskAssessment {
  /** Defaults to the current instrument version. */
  instrument?: string;
  /** Question id → answer value. */
  answers: Record<string, string>;
  safetyPlan?: string;
}

export interface RiskAssessmentView extends RiskAssessmentRow {
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
  /** What the referral is for (the survivor's consent must name it); defaults to services. */
  purpose?: SharingPurpose;
  /** Identity fields the receiving agency may read once it accepts; defaults to names and mobile phone. */
  sharedFields?: string[];
}

/** The survivor agreed to sharing with the agency, but not for what the referral is for. */
export const purposeNotCovered = (purpose: string, when: string) =>
  new AppError(
    'consent_purpose_not_covered',
    409,
    `The survivor's consent to sharing their case with this agency does not cover the purpose "${purpose}"${when}. ` +
      "Record the survivor's consent for that purpose, or an override on a legal basis, first.",
    { purpose },
  );

export const consentRequired = (when: string) =>
  new AppError(
    'consent_required',
    409,
    `The survivor has not consented to sharing their case with this agency (purpose sharing_in_country)${when}. ` +
      "Record the survivor's consent for this agency, or an override on a legal basis, first.",
  );

export function requireReason(text: string | undefined, what: string): string {
  const value = text?.trim() ?? '';
  if (!value) throw invalid(`Give the reason ${what}.`);
  if (value.length > REASON_MAX) throw invalid(`The reason is longer than ${REASON_MAX} characters.`);
  return value;
}

export function memberAgencies(actor: Actor): string[] {
  return actor.kind === 'user' ? actor.memberships.flatMap((m) => (m.agencyId ? [m.agencyId] : [])) : [];
}

/** spl_ fields of a plan; spl_PlannedEndDate may lie ahead (the shared parser refuses future dates). */
export function parsePlanFields(input: Record<string, unknown>, errors: FieldError[]): FieldMap {
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

export function planLanguage(type: string, language: string | undefined, errors: FieldError[]): string | null {
  const code = language?.trim().toLowerCase();
  if (type !== 'Interpreter') {
    if (code) errors.push({ field: 'language', reason: 'only an Interpreter service has a language' });
    return null;
  }
  if (!code) errors.push({ field: 'language', reason: 'an Interpreter service needs the language (ISO 639 code)' });
  else if (!isLanguageCode(code)) errors.push({ field: 'language', reason: 'is not an ISO 639 language code' });
  return code ?? null;
}
