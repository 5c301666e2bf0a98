import { type Static, Type } from 'typebox';
import { handlingInput, handlingView } from '../../shared/handling.ts';
import { CLOCK_NAMES, CLOCK_STATES, MAX_EXTENSION_DAYS } from '../../shared/mla-clocks.ts';
import { MEASURES, MLA_ACTIONS, MLA_STATES, PERSON_ROLES, SIDES } from '../../shared/mla-states.ts';

const strict = { additionalProperties: false } as const;
// Unsafe names the union's values for Static<> (a mapped array of literals would type as never); the JSON is the same.
const literals = <T extends string>(values: readonly T[], options = {}) =>
  Type.Unsafe<T>(
    Type.Union(
      values.map((v) => Type.Literal(v)),
      options,
    ),
  );

const ULID = '^[0-9A-HJKMNP-TV-Z]{26}$';
const DATE = '^\\d{4}-\\d{2}-\\d{2}$';
const INSTANT = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?Z$';
const NODE_ID = '^[a-z0-9][a-z0-9-]{1,62}$';

export const MlaState = literals(MLA_STATES);
export const Side = literals(SIDES);
const Day = (description: string) => Type.String({ pattern: DATE, description });
const Reason = Type.String({ minLength: 1, maxLength: 2000 });

export const Authority = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200, description: 'e.g. Procura della Repubblica di Latina' }),
    country: Type.String({ pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2' }),
  },
  strict,
);

export const Measure = Type.Object(
  {
    type: literals(MEASURES),
    description: Type.Optional(Type.String({ maxLength: 2000, description: 'What exactly is asked' })),
  },
  strict,
);

/** Personal data: encrypted at rest, shown only with a purpose, never in logs or the audit trail. */
export const PersonConcerned = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 200 }), role: literals(PERSON_ROLES) },
  strict,
);
export type PersonConcerned = Static<typeof PersonConcerned>;

export const Offence = Type.Object(
  {
    legalClassification: Type.String({ minLength: 1, maxLength: 500, description: 'e.g. art. 601 c.p.' }),
    summary: Type.String({ minLength: 1, maxLength: 10000, description: 'Summary of the facts (personal data)' }),
  },
  strict,
);

const requestFields = {
  urgent: Type.Optional(Type.Boolean({ description: 'Shortens every statutory period' })),
  requestedDeadline: Type.Optional(
    Type.Union([Day('Date by which the execution is needed; shortens the execution period when earlier'), Type.Null()]),
  ),
  issuingAuthority: Authority,
  executingAuthority: Authority,
  measures: Type.Array(Measure, { minItems: 1, maxItems: 20 }),
  persons: Type.Array(PersonConcerned, { maxItems: 50 }),
  offence: Offence,
};

export const NewMlaRequest = Type.Object(
  {
    executingNode: Type.String({ pattern: NODE_ID, description: 'The peer node asked to execute it' }),
    caseId: Type.Optional(Type.String({ description: 'A case of this node the request serves' })),
    ...requestFields,
    ...handlingInput,
  },
  strict,
);
export type NewMlaRequest = Static<typeof NewMlaRequest>;

export const MlaChanges = Type.Partial(NewMlaRequest, strict);
export type MlaChanges = Static<typeof MlaChanges>;

export const MlaParams = Type.Object({ id: Type.String() });
export const MlaQuery = Type.Object(
  {
    side: Type.Optional(Side),
    state: Type.Optional(MlaState),
    limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
    offset: Type.Integer({ minimum: 0, maximum: 2_147_483_647, default: 0 }),
  },
  strict,
);
export type MlaQuery = Static<typeof MlaQuery>;
export const MlaReadQuery = Type.Object(
  {
    purpose: Type.Optional(
      literals(['investigation', 'prosecution'], {
        description: 'With a purpose, the persons concerned and the summary of facts are shown (and audited)',
      }),
    ),
  },
  strict,
);

export const ReasonBody = Type.Object({ reason: Reason }, strict);
export const ExtensionBody = Type.Object(
  { days: Type.Integer({ minimum: 1, maximum: MAX_EXTENSION_DAYS }), reason: Reason },
  strict,
);
export const PostponementBody = Type.Object(
  { until: Day('The new execution due date (end of that day, UTC)'), reason: Reason },
  strict,
);
export const ReturnEvidenceBody = Type.Object(
  { itemIds: Type.Array(Type.String({ minLength: 1 }), { minItems: 1, maxItems: 500 }) },
  strict,
);

const Stamp = Type.Union([Type.String({ format: 'date-time' }), Type.Null()]);

export const MlaClock = Type.Object({
  name: literals(CLOCK_NAMES),
  startedAt: Type.String({ format: 'date-time' }),
  due: Type.String({ format: 'date-time' }),
  daysLeft: Type.Integer({ description: 'Whole days to the due date (from when it was met, once met); < 0 late' }),
  state: literals(CLOCK_STATES),
  breach: Type.Union(
    [
      Type.Object({
        at: Type.String({ format: 'date-time', description: 'The due date that passed' }),
        days: Type.Integer({ minimum: 1, description: 'Whole days late, until `until` or until now' }),
        until: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
          description: 'When the breach ended (step taken late, or due date moved later); null while it lasts',
        }),
        dueMoved: Type.Boolean({ description: 'Whether an extension or a postponement came after the breach' }),
      }),
      Type.Null(),
    ],
    { description: 'The first breach, kept when the due date is moved later afterwards; null if never late' },
  ),
});

const HistoryEntry = Type.Object({
  action: Type.String(),
  state: MlaState,
  at: Type.String({ format: 'date-time' }),
  actor: Type.String({ description: 'user:… on this node, node:… for the other node' }),
  actorName: Type.Union([Type.String(), Type.Null()], {
    description: "The person's name, or the other node's name; null when it is not known here",
  }),
  actorAgency: Type.Union([Type.String(), Type.Null()], { description: 'An agency the person works in' }),
  reason: Type.Union([Type.String(), Type.Null()]),
});

export const MlaRequest = Type.Object(
  {
    id: Type.String(),
    side: Side,
    peer: Type.String({ description: 'The other node' }),
    issuingNode: Type.String(),
    executingNode: Type.String(),
    state: MlaState,
    caseId: Type.Union([Type.String(), Type.Null()]),
    caseReference: Type.Union([Type.String(), Type.Null()], {
      description: 'The reference of the case of this node it serves (IT-2026-000042), to know the request by',
    }),
    urgent: Type.Boolean(),
    requestedDeadline: Type.Union([Type.String(), Type.Null()]),
    issuingAuthority: Authority,
    executingAuthority: Authority,
    measures: Type.Array(Measure),
    legalClassification: Type.String(),
    ...handlingView,
    persons: Type.Union([Type.Array(PersonConcerned), Type.Null()], { description: 'Only with a purpose' }),
    factsSummary: Type.Union([Type.String(), Type.Null()], { description: 'Only with a purpose' }),
    sentAt: Stamp,
    receivedAt: Stamp,
    acknowledgedAt: Stamp,
    decidedAt: Stamp,
    decision: Type.Union([literals(['recognised', 'refused']), Type.Null()]),
    extension: Type.Union([
      Type.Object({ days: Type.Integer(), reason: Type.String(), at: Type.String({ format: 'date-time' }) }),
      Type.Null(),
    ]),
    executionStartedAt: Stamp,
    postponement: Type.Union([
      Type.Object({ until: Type.String(), reason: Type.String(), at: Type.String({ format: 'date-time' }) }),
      Type.Null(),
    ]),
    executedAt: Stamp,
    evidenceReturnedAt: Stamp,
    evidenceTransferId: Type.Union([Type.String(), Type.Null()]),
    closedAt: Stamp,
    createdBy: Type.String(),
    createdAt: Type.String({ format: 'date-time' }),
    clocks: Type.Array(MlaClock, { description: 'The statutory clocks that have started, computed now' }),
    history: Type.Optional(Type.Array(HistoryEntry)),
  },
  { $id: 'MlaRequest' },
);
export type MlaRequest = Static<typeof MlaRequest>;
export type MlaHistoryEntry = Static<typeof HistoryEntry>;

/** A clock approaching its due date or past it, with the request it runs for. */
export const MlaAlert = Type.Object(
  {
    requestId: Type.String(),
    side: Side,
    peer: Type.String(),
    state: MlaState,
    urgent: Type.Boolean(),
    clock: MlaClock,
  },
  { $id: 'MlaAlert' },
);
export type MlaAlert = Static<typeof MlaAlert>;

/** `passage.mla.request`: the full request, sent by the issuing node when it sends the draft. */
export const MlaRequestMessage = Type.Object(
  {
    requestId: Type.String({ pattern: ULID }),
    sentAt: Type.String({ pattern: INSTANT }),
    urgent: Type.Boolean(),
    requestedDeadline: Type.Union([Type.String({ pattern: DATE }), Type.Null()]),
    issuingAuthority: Authority,
    executingAuthority: Authority,
    measures: requestFields.measures,
    persons: requestFields.persons,
    offence: Offence,
    // Absent from a node of before handling codes travelled: the receiver applies the default (H0).
    ...handlingInput,
  },
  strict,
);
export type MlaRequestMessage = Static<typeof MlaRequestMessage>;

/** `passage.mla.update`: one change of state (or an extension or postponement), sent by the side that made it. */
export const MlaUpdateMessage = Type.Object(
  {
    requestId: Type.String({ pattern: ULID }),
    action: literals(MLA_ACTIONS),
    state: MlaState,
    at: Type.String({ pattern: INSTANT }),
    reason: Type.Optional(Reason),
    extensionDays: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_EXTENSION_DAYS })),
    postponedUntil: Type.Optional(Type.String({ pattern: DATE })),
    receivedAt: Type.Optional(Type.String({ pattern: INSTANT, description: 'With acknowledge: when it arrived' })),
    transferId: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  },
  strict,
);
export type MlaUpdateMessage = Static<typeof MlaUpdateMessage>;
