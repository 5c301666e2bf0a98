import { type Static, Type } from 'typebox';
import { CONSENT_METHODS, CONSENT_PURPOSES, DISCLOSURE_KINDS, SHARING_PURPOSES } from '../../shared/consent.ts';
import { STAGES } from '../../shared/lifecycle.ts';
import { PURPOSES } from '../../shared/policy.ts';

const strict = { additionalProperties: false } as const;
// Unsafe names the union's values for Static<> (a mapped array of literals would type as never); the JSON is the same.
const literals = <T extends string>(values: readonly T[], options = {}) =>
  Type.Unsafe<T>(
    Type.Union(
      values.map((v) => Type.Literal(v)),
      options,
    ),
  );

export const FieldValue = Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Array(Type.String())]);
export const Fields = Type.Record(Type.String(), FieldValue, {
  description: 'HTCDS 2.0 fields by name (e.g. prs_Gender, vic_TypeOfExploitation); multi-selects as arrays',
});
/** For changes: null removes a field. */
const FieldChanges = Type.Record(Type.String(), Type.Union([FieldValue, Type.Null()]), {
  description: 'HTCDS fields to set; null removes one',
});

export const StageName = literals(STAGES, { description: 'Case stage' });
export const PurposeName = literals(PURPOSES, { description: 'Why you need the data' });
export const ConsentPurposeName = literals(CONSENT_PURPOSES);

export const CaseParams = Type.Object({ caseId: Type.String() });

export const NewCase = Type.Object(
  {
    agencyId: Type.Optional(Type.String({ description: "Owning agency; defaults to the caller's only agency" })),
    reportedAt: Type.Optional(Type.String({ description: 'YYYY-MM-DD; defaults to today' })),
    survivor: Type.Record(Type.String(), FieldValue, {
      description: 'prs_ and psg_ fields; identity fields among them are encrypted',
    }),
    victim: Type.Optional(Type.Record(Type.String(), FieldValue, { description: 'vic_ and con_ fields' })),
    details: Type.Optional(Type.Record(Type.String(), FieldValue, { description: 'cas_ fields' })),
    comment: Type.Optional(Type.String({ maxLength: 20000 })),
    confirmEmpty: Type.Optional(
      Type.Boolean({
        description:
          'A report with no name, alias, phone or note is refused (empty_first_report) unless this says it is deliberate',
      }),
    ),
    movements: Type.Optional(Type.Array(Type.Record(Type.String(), FieldValue), { maxItems: 100 })),
    perpetrators: Type.Optional(
      Type.Array(
        Type.Object(
          { person: Type.Optional(Type.Record(Type.String(), FieldValue)), fields: Type.Optional(Fields) },
          strict,
        ),
        { maxItems: 100 },
      ),
    ),
  },
  strict,
);
export type NewCase = Static<typeof NewCase>;

export const CaseChanges = Type.Object(
  {
    version: Type.Optional(Type.Integer({ description: 'The version you read; a newer one makes the change fail' })),
    survivor: Type.Optional(FieldChanges),
    victim: Type.Optional(FieldChanges),
    details: Type.Optional(FieldChanges),
  },
  strict,
);

const Item = Type.Object({ id: Type.String(), fields: Fields });

export const Case = Type.Object(
  {
    id: Type.String(),
    reference: Type.String({ description: 'Pseudonymous reference, e.g. IT-2026-000042' }),
    agencyId: Type.String(),
    stage: StageName,
    status: literals(['Active', 'Closed'], { description: 'HTCDS cas_Status' }),
    stageSince: Type.String({ format: 'date-time' }),
    reportedAt: Type.String({ format: 'date' }),
    ownerId: Type.Union([Type.String(), Type.Null()]),
    version: Type.Integer(),
    survivor: Type.Object({
      id: Type.String(),
      attributes: Fields,
      identityFields: Type.Array(Type.String(), { description: 'Identity fields on record (names only)' }),
      erased: Type.Boolean(),
    }),
    victim: Fields,
    details: Fields,
    closureRequest: Type.Union([Type.Object({ requestedBy: Type.String(), reason: Type.String() }), Type.Null()]),
    erasedFields: Type.Array(Type.String(), {
      description: "Sealed fields erased with the survivor's identity (names only); they are no longer shown",
    }),
    nextStages: Type.Array(StageName),
    movements: Type.Array(Item),
    perpetrators: Type.Array(Type.Object({ id: Type.String(), personId: Type.String(), fields: Fields })),
  },
  { $id: 'Case' },
);
export type Case = Static<typeof Case>;

export const CaseSummary = Type.Object(
  {
    id: Type.String(),
    reference: Type.String(),
    agencyId: Type.String(),
    stage: StageName,
    stageSince: Type.String({ format: 'date-time' }),
    reportedAt: Type.String({ format: 'date' }),
    traffickingStatus: Type.Union([Type.String(), Type.Null()]),
    erased: Type.Boolean(),
    assignedTo: Type.Union([Type.Object({ id: Type.String(), name: Type.String() }), Type.Null()], {
      description: "The case's assignee, by name.",
    }),
    risk: Type.Union([Type.Literal('low'), Type.Literal('medium'), Type.Literal('high'), Type.Null()], {
      description: "The level of the case's latest risk assessment.",
    }),
    nextDeadline: Type.Union(
      [
        Type.Object({
          at: Type.String({ format: 'date-time' }),
          kind: Type.Union([Type.Literal('mla'), Type.Literal('risk_reassessment')]),
        }),
        Type.Null(),
      ],
      { description: "The nearest of the case's clocks: an MLA request's deadline or the risk reassessment due." },
    ),
    lastActivity: Type.String({ format: 'date-time', description: "When the case's last event happened." }),
    referredBy: Type.Union([Type.String(), Type.Null()], {
      description:
        'The agency that referred the case, for a case your agency received by referral; for a case received from ' +
        'abroad, the name of the node that sent it.',
    }),
    label: Type.Union([Type.String(), Type.Null()], {
      description: "The case worker's non-identifying label, to tell cases apart (sealed at rest).",
    }),
  },
  { $id: 'CaseSummary' },
);
export type CaseSummary = Static<typeof CaseSummary>;

export const CaseQuery = Type.Object(
  {
    stage: Type.Optional(StageName),
    reference: Type.Optional(Type.String({ maxLength: 40 })),
    mine: Type.Optional(Type.Boolean({ description: 'Only the cases assigned to you.' })),
    sort: Type.Optional(
      Type.Union(
        [Type.Literal('lastActivity'), Type.Literal('nextDeadline'), Type.Literal('reference'), Type.Literal('risk')],
        { description: 'The order: by last activity (the default, newest first), next deadline, reference or risk.' },
      ),
    ),
    dir: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')])),
    cursor: Type.Optional(
      Type.String({ maxLength: 500, description: 'The nextCursor of the page before, for the next page (keyset).' }),
    ),
    limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
    offset: Type.Integer({ minimum: 0, maximum: 2_147_483_647, default: 0 }),
  },
  strict,
);
export type CaseQuery = Static<typeof CaseQuery>;

export const SearchQuery = Type.Object(
  {
    name: Type.Optional(Type.String({ maxLength: 200 })),
    document: Type.Optional(Type.String({ maxLength: 60 })),
    phone: Type.Optional(Type.String({ maxLength: 40 })),
    birthDate: Type.Optional(Type.String({ maxLength: 10 })),
    minScore: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  },
  strict,
);
export type SearchQuery = Static<typeof SearchQuery>;

export const SearchHit = Type.Object({
  caseId: Type.String(),
  reference: Type.String(),
  agencyId: Type.String(),
  stage: StageName,
  score: Type.Number({ description: 'Dice similarity of the name tokens; 1 for exact matches only' }),
});
export type SearchHit = Static<typeof SearchHit>;

export const CaseEvent = Type.Object(
  {
    seq: Type.Integer(),
    at: Type.String({ format: 'date-time' }),
    actor: Type.String(),
    type: Type.String(),
    data: Type.Record(Type.String(), Type.Unknown()),
  },
  { $id: 'CaseEvent' },
);
export type CaseEvent = Static<typeof CaseEvent>;

export const StageSpan = Type.Object({
  stage: StageName,
  enteredAt: Type.String({ format: 'date-time' }),
  leftAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  durationMs: Type.Integer(),
});
export type StageSpan = Static<typeof StageSpan>;

export const Transition = Type.Object(
  { to: StageName, reason: Type.String({ minLength: 1, maxLength: 2000 }) },
  strict,
);
export const ClosureDecision = Type.Object(
  { approve: Type.Boolean(), reason: Type.Optional(Type.String({ maxLength: 2000 })) },
  strict,
);
export const Assignment = Type.Object(
  { userId: Type.String({ pattern: '^[0-9A-Z]{26}$', description: 'The case worker the case goes to' }) },
  strict,
);
export const Comment = Type.Object({ comment: Type.String({ minLength: 1, maxLength: 20000 }) }, strict);
export const Movement = Type.Object({ fields: Fields }, strict);
export const Perpetrator = Type.Object(
  { person: Type.Optional(Type.Record(Type.String(), FieldValue)), fields: Type.Optional(Fields) },
  strict,
);

export const IdentityRequest = Type.Object({ purpose: PurposeName }, strict);
export const Identity = Type.Object({
  personId: Type.String(),
  purpose: PurposeName,
  fields: Fields,
});
export type Identity = Static<typeof Identity>;
export const IdentityChanges = Type.Object({ fields: FieldChanges }, strict);
export const Reason = Type.Object({ reason: Type.String({ minLength: 1, maxLength: 2000 }) }, strict);

const Scope = Type.Object(
  {
    agencies: Type.Optional(Type.Array(Type.String())),
    countries: Type.Optional(Type.Array(Type.String({ pattern: '^[A-Za-z]{2}$' }))),
    fields: Type.Optional(
      Type.Array(Type.String({ maxLength: 100 }), {
        maxItems: 200,
        description: 'HTCDS fields the survivor agreed to share (cross-border); absent or empty: any field',
      }),
    ),
    purposes: Type.Optional(
      Type.Array(literals(SHARING_PURPOSES), {
        maxItems: SHARING_PURPOSES.length,
        description:
          'Consent to sharing: what a share may be for. Required for cross-border sharing; in-country sharing ' +
          'defaults to services. A referral whose purpose is not named is refused (consent_purpose_not_covered)',
      }),
    ),
  },
  strict,
);

export const NewConsent = Type.Object(
  {
    purpose: ConsentPurposeName,
    decision: literals(['granted', 'refused']),
    scope: Type.Optional(Scope),
    method: literals(CONSENT_METHODS),
    language: Type.String({ description: 'ISO 639 code of the language the survivor was informed in' }),
    interpreter: Type.Optional(Type.Boolean()),
  },
  strict,
);
export type NewConsent = Static<typeof NewConsent>;

export const NewOverride = Type.Object(
  { purpose: ConsentPurposeName, scope: Type.Optional(Scope), legalBasis: Type.String({ maxLength: 2000 }) },
  strict,
);
export type NewOverride = Static<typeof NewOverride>;

export const Consent = Type.Object(
  {
    id: Type.String(),
    purpose: ConsentPurposeName,
    decision: literals(['granted', 'refused', 'override']),
    scope: Scope,
    method: Type.Union([literals(CONSENT_METHODS), Type.Null()]),
    language: Type.Union([Type.String(), Type.Null()]),
    interpreter: Type.Boolean(),
    legalBasis: Type.Union([Type.String(), Type.Null()]),
    recordedBy: Type.String(),
    recordedAt: Type.String({ format: 'date-time' }),
    withdrawnAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    withdrawnBy: Type.Union([Type.String(), Type.Null()]),
    withdrawalReason: Type.Union([Type.String(), Type.Null()]),
  },
  { $id: 'Consent' },
);
export type Consent = Static<typeof Consent>;

export const ConsentParams = Type.Object({ caseId: Type.String(), consentId: Type.String() });

export const Disclosure = Type.Object({
  seq: Type.Integer(),
  at: Type.String({ format: 'date-time' }),
  actor: Type.String(),
  agencyId: Type.Union([Type.String(), Type.Null()]),
  kind: literals(DISCLOSURE_KINDS, {
    description:
      'view, share, export; withdrawal (the sender ended a share), erasure (what was received was erased here), ' +
      'erasure_confirmed (the receiving node confirmed the erasure in a signed message)',
  }),
  purpose: Type.String(),
  fields: Type.Array(Type.String()),
  recipient: Type.Union([Type.String(), Type.Null()]),
  reference: Type.Union([Type.String(), Type.Null()], { description: 'The share it is about, e.g. xb-referral:<id>' }),
  confirmation: Type.Union([Type.String(), Type.Null()], {
    description: 'erasure_confirmed: the id of the signed federation message that confirms it',
  }),
});
export type Disclosure = Static<typeof Disclosure>;

export const Notice = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  data: Type.Record(Type.String(), Type.Unknown()),
  createdAt: Type.String({ format: 'date-time' }),
});
export type Notice = Static<typeof Notice>;
