import { type Static, Type } from 'typebox';
import { DEFAULT_SHARED_FIELDS, REFERRAL_STATUSES, SERVICE_STATUSES, SERVICE_TYPES } from '../../shared/care.ts';
import { SHARING_PURPOSES } from '../../shared/consent.ts';
import { RISK_LEVELS } from '../../shared/risk.ts';
import { Fields, FieldValue } from '../cases/index.ts';

const strict = { additionalProperties: false } as const;
// Unsafe names the union's values for Static<> (a mapped array of literals would type as never); the JSON is the same.
const literals = <T extends string>(values: readonly T[], options = {}) =>
  Type.Unsafe<T>(
    Type.Union(
      values.map((v) => Type.Literal(v)),
      options,
    ),
  );

const Level = literals(RISK_LEVELS);
const ServiceStatus = literals(SERVICE_STATUSES);
const ReferralStatus = literals(REFERRAL_STATUSES);
const serviceType = `One of ${SERVICE_TYPES.join(', ')} (HTCDS spl_Type, plus Passage's Interpreter, CulturalMediation, Shelter)`;

export const ReferralParams = Type.Object({ referralId: Type.String() });
export const ServiceParams = Type.Object({ caseId: Type.String(), serviceId: Type.String() });

export const RiskInstrument = Type.Object(
  {
    id: Type.String({ description: 'Version, e.g. passage-risk-v1' }),
    title: Type.String(),
    thresholds: Type.Object(
      { medium: Type.Integer(), high: Type.Integer() },
      { description: 'The lowest score of each level; below medium is low' },
    ),
    questions: Type.Array(
      Type.Object({
        id: Type.String({ description: 'Stable id; answers, reasons and translations key on it' }),
        label: Type.String(),
        answerType: literals(['yes_no_unknown', 'choice']),
        answers: Type.Array(
          Type.Object({
            value: Type.String(),
            label: Type.String(),
            points: Type.Integer(),
            forcesLevel: Type.Optional(Type.Literal('high', { description: 'This answer makes the level high' })),
          }),
        ),
      }),
    ),
  },
  { $id: 'RiskInstrument' },
);

export const NewRiskAssessment = Type.Object(
  {
    instrument: Type.Optional(Type.String({ maxLength: 60, description: 'Defaults to the current version' })),
    answers: Type.Record(Type.String({ maxLength: 60 }), Type.String({ maxLength: 60 }), {
      maxProperties: 100,
      description: 'Question id → answer value; every question must be answered (unknown is an answer)',
    }),
    safetyPlan: Type.Optional(
      Type.String({ maxLength: 20000, description: 'Required when the level is high; never copied to the timeline' }),
    ),
  },
  strict,
);
export type NewRiskAssessment = Static<typeof NewRiskAssessment>;

const Reason = Type.Object({
  question: Type.String(),
  answer: Type.String(),
  points: Type.Integer(),
  forcedHigh: Type.Optional(Type.Boolean()),
});

const RiskChange = Type.Object({
  previousLevel: Level,
  currentLevel: Level,
  levelChange: literals(['raised', 'lowered', 'unchanged']),
  scoreChange: Type.Union([Type.Integer(), Type.Null()], {
    description: 'null when the two assessments used different instrument versions',
  }),
  appeared: Type.Array(Reason),
  disappeared: Type.Array(Reason),
  changed: Type.Array(Type.Object({ question: Type.String(), previous: Reason, current: Reason })),
});

export const RiskAssessment = Type.Object(
  {
    id: Type.String(),
    caseId: Type.String(),
    instrument: Type.String(),
    answers: Type.Record(Type.String(), Type.String()),
    score: Type.Integer(),
    level: Level,
    reasons: Type.Array(Reason, { description: 'The answers that raised the score, most points first' }),
    safetyPlan: Type.Union([Type.String(), Type.Null()]),
    erasedFields: Type.Optional(
      Type.Array(Type.String(), { description: "['safety_plan'] once it was erased with the survivor's identity" }),
    ),
    assessedBy: Type.String(),
    assessedAt: Type.String({ format: 'date-time' }),
    change: Type.Union([RiskChange, Type.Null()], {
      description: 'Against the previous assessment; null for the first',
    }),
  },
  { $id: 'RiskAssessment' },
);
export type RiskAssessment = Static<typeof RiskAssessment>;

const PlanFields = Type.Record(Type.String(), FieldValue, {
  description: 'spl_Objectives, spl_ActionPlan, spl_PlannedEndDate, spl_ActualEndDate (YYYY-MM-DD)',
});

export const NewService = Type.Object(
  {
    type: Type.String({ maxLength: 60, description: serviceType }),
    fields: Type.Optional(PlanFields),
    providerAgencyId: Type.Optional(Type.String({ description: 'The agency of this node that provides it' })),
    language: Type.Optional(Type.String({ maxLength: 3, description: 'ISO 639 code; required for Interpreter' })),
    status: Type.Optional(literals(['planned', 'active'], { description: 'Defaults to planned' })),
  },
  strict,
);
export type NewService = Static<typeof NewService>;

export const ServiceChanges = Type.Object(
  {
    status: Type.Optional(ServiceStatus),
    fields: Type.Optional(
      Type.Record(Type.String(), Type.Union([FieldValue, Type.Null()]), {
        description: 'spl_ fields; null removes one',
      }),
    ),
    providerAgencyId: Type.Optional(Type.Union([Type.String(), Type.Null()], { description: 'null removes it' })),
    language: Type.Optional(Type.String({ maxLength: 3 })),
  },
  strict,
);
export type ServiceChanges = Static<typeof ServiceChanges>;

export const SupportPlan = Type.Object(
  {
    id: Type.String(),
    caseId: Type.String(),
    type: Type.String({ description: serviceType }),
    fields: Fields,
    language: Type.Union([Type.String(), Type.Null()]),
    providerAgencyId: Type.Union([Type.String(), Type.Null()]),
    status: ServiceStatus,
    createdBy: Type.String(),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
    erasedFields: Type.Array(Type.String(), {
      description: "Sealed fields (spl_Objectives, spl_ActionPlan) erased with the survivor's identity",
    }),
  },
  { $id: 'SupportPlan' },
);
export type SupportPlan = Static<typeof SupportPlan>;

export const NewReferral = Type.Object(
  {
    toAgencyId: Type.String({ minLength: 1, description: 'Another agency of this node' }),
    services: Type.Array(Type.String({ maxLength: 60, description: serviceType }), { minItems: 1, maxItems: 20 }),
    reason: Type.String({ minLength: 1, maxLength: 2000 }),
    purpose: Type.Optional(
      literals(SHARING_PURPOSES, {
        description:
          "What the referral is for; default services. The survivor's consent to in-country sharing must name it",
      }),
    ),
    sharedFields: Type.Optional(
      Type.Array(Type.String({ maxLength: 60 }), {
        maxItems: 30,
        description: `Identity fields the receiving agency may read once it accepts; default ${DEFAULT_SHARED_FIELDS.join(', ')}`,
      }),
    ),
  },
  strict,
);
export type NewReferral = Static<typeof NewReferral>;

export const Referral = Type.Object(
  {
    id: Type.String(),
    caseId: Type.String(),
    caseReference: Type.String(),
    fromAgencyId: Type.String(),
    toAgencyId: Type.String(),
    status: ReferralStatus,
    services: Type.Array(Type.String()),
    purpose: literals(SHARING_PURPOSES),
    sharedFields: Type.Array(Type.String()),
    reason: Type.Union([Type.String(), Type.Null()], { description: "Null once erased with the survivor's identity" }),
    offeredBy: Type.String(),
    offeredAt: Type.String({ format: 'date-time' }),
    statusChangedBy: Type.Union([Type.String(), Type.Null()], {
      description: 'Who accepted, declined or revoked it (the last change)',
    }),
    statusChangedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    statusReason: Type.Union([Type.String(), Type.Null()], { description: 'Why it was declined or revoked' }),
  },
  { $id: 'Referral' },
);
export type Referral = Static<typeof Referral>;

export const ReferralQuery = Type.Object(
  {
    direction: Type.Optional(literals(['incoming', 'outgoing'], { description: 'Defaults to incoming' })),
    status: Type.Optional(ReferralStatus),
    limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
    offset: Type.Integer({ minimum: 0, maximum: 2_147_483_647, default: 0 }),
  },
  strict,
);
