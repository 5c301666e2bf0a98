/** A first report as it arrives (API, import) and as it is stored once every field checks out. */
import { type AppError, invalid } from '../../lib/errors.ts';
import {
  type FieldError,
  type FieldMap,
  type Group,
  isIdentityField,
  isIsoDate,
  type Parsed,
  parseGroup,
  today,
} from '../../shared/case-fields.ts';
import { type Actor, reachFor } from '../../shared/policy.ts';

export type Input = Record<string, unknown>;

/** A first report: the survivor, what is known of the exploitation, and optionally movements and perpetrators. */
export interface NewCase {
  /** The owning agency; defaults to the caller's only agency. */
  agencyId?: string;
  /** YYYY-MM-DD; defaults to today. */
  reportedAt?: string;
  /** prs_ and psg_ fields; identity fields among them are encrypted. */
  survivor: Input;
  /** vic_ and con_ fields. */
  victim?: Input;
  /** cas_ fields. */
  details?: Input;
  /** First case comment (cco_CaseComment). */
  comment?: string;
  /** hte_ fields per movement. */
  movements?: Input[];
  perpetrators?: { person?: Input; fields?: Input }[];
}

export interface ValidCase {
  agencyId?: string;
  reportedAt: string;
  identity: FieldMap;
  attributes: FieldMap;
  victim: FieldMap;
  details: FieldMap;
  comment?: string;
  movements: FieldMap[];
  perpetrators: { identity: FieldMap; attributes: FieldMap; fields: FieldMap }[];
}

export const COMMENT_MAX = 20000;

/** Splits prs_/psg_ fields into encrypted identity and plain attributes. */
export function splitPerson(fields: FieldMap): { identity: FieldMap; attributes: FieldMap } {
  const identity: FieldMap = {};
  const attributes: FieldMap = {};
  for (const [name, value] of Object.entries(fields)) (isIdentityField(name) ? identity : attributes)[name] = value;
  return { identity, attributes };
}

/** Checks a whole first report and lists every problem with the path of its field. */
export function validateNewCase(input: NewCase): Parsed<ValidCase> {
  const errors: FieldError[] = [];
  const group = (g: Group, value: unknown, path: string): FieldMap => {
    if (value === undefined || value === null) return {};
    if (typeof value !== 'object' || Array.isArray(value)) {
      errors.push({ field: path, reason: 'must be an object of HTCDS fields' });
      return {};
    }
    const parsed = parseGroup(g, value as Input);
    for (const e of parsed.errors) errors.push({ field: `${path}.${e.field}`, reason: e.reason });
    return parsed.value;
  };
  const reportedAt = input.reportedAt ?? today();
  if (!isIsoDate(reportedAt)) errors.push({ field: 'reportedAt', reason: 'must be a date written YYYY-MM-DD' });
  else if (reportedAt > today()) errors.push({ field: 'reportedAt', reason: 'cannot be in the future' });

  const survivor = splitPerson(group('person', input.survivor, 'survivor'));
  const birth = survivor.identity.prs_Birthdate;
  if (typeof birth === 'string' && birth > reportedAt) {
    errors.push({ field: 'survivor.prs_Birthdate', reason: 'the birth date is after the date of the report' });
  }
  const victim = group('victim', input.victim, 'victim');
  if (victim.vic_TraffickingStatusDecisionMakingOrg && !input.victim?.vic_TraffickingStatus) {
    errors.push({
      field: 'victim.vic_TraffickingStatusDecisionMakingOrg',
      reason: 'a deciding organisation needs a trafficking status (vic_TraffickingStatus)',
    });
  }
  const details = group('case', input.details, 'details');
  const movements = (input.movements ?? []).map((m, i) => {
    const fields = group('movement', m, `movements[${i}]`);
    if (!fields.hte_Type) errors.push({ field: `movements[${i}].hte_Type`, reason: 'a movement needs its type' });
    if (typeof birth === 'string' && typeof fields.hte_Date === 'string' && fields.hte_Date < birth) {
      errors.push({ field: `movements[${i}].hte_Date`, reason: 'the movement is dated before the birth date' });
    }
    return fields;
  });
  const perpetrators = (input.perpetrators ?? []).map((p, i) => ({
    ...splitPerson(group('person', p.person, `perpetrators[${i}].person`)),
    fields: group('perpetrator', p.fields, `perpetrators[${i}].fields`),
  }));
  const comment = input.comment?.trim();
  if (comment && comment.length > COMMENT_MAX) {
    errors.push({ field: 'comment', reason: `is longer than ${COMMENT_MAX} characters` });
  }
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: {
      agencyId: input.agencyId,
      reportedAt,
      ...survivor,
      victim,
      details,
      comment: comment || undefined,
      movements,
      perpetrators,
    },
  };
}

/** The agency a first report belongs to: the one it names, else the reporter's only agency. */
export function ownAgency(actor: Actor, requested: string | undefined): string {
  if (requested) return requested;
  const reach = reachFor(actor, 'case.create');
  // A grant narrowed to own cases or a team may open cases in its agency too (the reporter is the assignee).
  const agencies = reach && [...reach.agencies, ...reach.own];
  if (agencies?.length === 1 && agencies[0]) return agencies[0];
  throw invalid('Say which agency the case belongs to (agencyId).');
}

export function fieldErrors(errors: FieldError[]): AppError {
  const fields = errors.map((e) => e.field).join(', ');
  return invalid(`Some fields are not valid: ${fields}.`, { errors });
}
