/**
 * Shapes of linkage groups, alerts and the `passage.linkage.*` message bodies (docs/linkage.md "Across nodes",
 * docs/federation.md). No shape here can carry a name, birth date or phone: records travel as CLKs and keyed tokens
 * under random references.
 */
import { type Static, Type } from 'typebox';
import { ALERT_STATUSES, GROUP_SCHEMAS, RECORD_KINDS } from '../../shared/linkage.ts';

export type { AlertStatus, GroupSchema, RecordKind } from '../../shared/linkage.ts';

const strict = { additionalProperties: false } as const;
const ULID = '^[0-9A-HJKMNP-TV-Z]{26}$';
const NODE_ID = '^[a-z0-9][a-z0-9-]{1,62}$';
const INSTANT = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?Z$';
const SHA256 = '^[0-9a-f]{64}$';
/** A reference: 128 random bits, base64url. */
const REF = '^[A-Za-z0-9_-]{22}$';

export const MAX_OWNERS = 50;

const NodeId = (description?: string) => Type.String({ pattern: NODE_ID, ...(description ? { description } : {}) });
const literals = <T extends string>(values: readonly T[], description?: string) =>
  Type.Unsafe<T>({ type: 'string', enum: [...values], ...(description ? { description } : {}) });
const Ref = Type.String({ pattern: REF });

export const NewGroup = Type.Object(
  {
    id: Type.Optional(Type.String({ pattern: ULID, description: 'The group id (a ULID); made here when absent' })),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    unit: NodeId('The linkage unit: the node that matches encodings and never holds the secret'),
    owners: Type.Array(NodeId(), {
      minItems: 2,
      maxItems: MAX_OWNERS,
      uniqueItems: true,
      description: 'The data-owner nodes (this node among them, or this node is the unit)',
    }),
    schema: literals(GROUP_SCHEMAS, 'Which records are linked: survivors, perpetrators (with phones), or both'),
    threshold: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1, description: 'Least Dice score (0.8)' })),
    perpetratorLegalBasis: Type.Optional(
      Type.String({
        minLength: 10,
        maxLength: 1000,
        description: 'The legal basis for linking perpetrator data; without it no perpetrator record is sent',
      }),
    ),
  },
  strict,
);
export type NewGroup = Static<typeof NewGroup>;

export const SecretBody = Type.Object(
  {
    secret: Type.String({
      minLength: 44,
      maxLength: 1400,
      pattern: '^[A-Za-z0-9+/]+={0,2}$',
      description: 'The shared encoding secret, base64 of at least 32 bytes. Never returned.',
    }),
  },
  strict,
);

export const GroupParams = Type.Object({ groupId: Type.String() });
export const AlertParams = Type.Object({ alertId: Type.String() });
export const CaseParams = Type.Object({ caseId: Type.String() });
export const AlertsQuery = Type.Object({ status: Type.Optional(literals(ALERT_STATUSES)) }, strict);
export const DecisionBody = Type.Object(
  { reason: Type.String({ minLength: 3, maxLength: 2000, description: 'Why: recorded with the decision' }) },
  strict,
);

export const LinkageGroup = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    unit: Type.String(),
    owners: Type.Array(Type.String()),
    role: literals(['owner', 'unit'] as const, "This node's role in the group"),
    schema: literals(GROUP_SCHEMAS),
    schemaVersions: Type.Record(Type.String(), Type.String(), {
      description: 'SHA-256 of each linkage schema JSON (keys sorted) the group encodes with',
    }),
    threshold: Type.Number(),
    perpetratorLegalBasis: Type.Union([Type.String(), Type.Null()]),
    createdByNode: Type.String(),
    createdAt: Type.String({ format: 'date-time' }),
    secret: Type.Union(
      [
        Type.Object({
          installedAt: Type.String({ format: 'date-time' }),
          fingerprint: Type.String({
            description: 'HMAC-SHA256(secret, fixed text), truncated: compare across owners',
          }),
        }),
        Type.Null(),
      ],
      { description: 'Whether the secret is installed here (owners only); never the secret' },
    ),
  },
  { $id: 'LinkageGroup' },
);
export type LinkageGroup = Static<typeof LinkageGroup>;

export const SubmitResult = Type.Object({
  sent: Type.Integer({ description: 'Records sent (new or changed)' }),
  unchanged: Type.Integer({ description: 'Records already at the unit as they are' }),
  removed: Type.Integer({ description: 'References withdrawn (consent no longer covers linkage)' }),
  messages: Type.Integer(),
});
export type SubmitResult = Static<typeof SubmitResult>;

export const LinkageAlert = Type.Object(
  {
    id: Type.String(),
    groupId: Type.String(),
    caseId: Type.String(),
    caseReference: Type.String({ description: "The case's reference on this node, e.g. IT-2026-000042" }),
    kind: literals(['re_trafficking', 'shared_perpetrator'] as const),
    recordKind: literals(RECORD_KINDS, 'What matched: the survivor, a perpetrator, or a phone of a perpetrator'),
    score: Type.Number({ description: 'Dice score of the CLKs (1 for a phone token)' }),
    schemaVersion: Type.String(),
    otherNode: Type.String(),
    otherRef: Type.String({ description: "The other node's pseudonymous reference: quote it in a formal request" }),
    status: literals(ALERT_STATUSES),
    reason: Type.Union([Type.String(), Type.Null()]),
    decidedBy: Type.Union([Type.String(), Type.Null()]),
    decidedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'LinkageAlert' },
);
export type LinkageAlert = Static<typeof LinkageAlert>;

// Message bodies.

export const GroupMessage = Type.Object(
  {
    groupId: Type.String({ pattern: ULID }),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    unit: NodeId(),
    owners: Type.Array(NodeId(), { minItems: 2, maxItems: MAX_OWNERS, uniqueItems: true }),
    schema: literals(GROUP_SCHEMAS),
    schemaVersions: Type.Record(Type.String({ pattern: '^(survivor|perpetrator)$' }), Type.String({ pattern: SHA256 })),
    threshold: Type.Number({ exclusiveMinimum: 0, maximum: 1 }),
    perpetratorLegalBasis: Type.Union([Type.String({ maxLength: 1000 }), Type.Null()]),
    createdAt: Type.String({ pattern: INSTANT }),
  },
  strict,
);
export type GroupMessage = Static<typeof GroupMessage>;

export const MAX_RECORDS_PER_MESSAGE = 1000;
export const EncodingRecord = Type.Object(
  {
    ref: Ref,
    kind: literals(RECORD_KINDS),
    clk: Type.Optional(Type.String({ maxLength: 4096, pattern: '^[A-Za-z0-9+/]+={0,2}$' })),
    token: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{43}$' })),
  },
  strict,
);
export type EncodingRecord = Static<typeof EncodingRecord>;

export const EncodingsMessage = Type.Object(
  {
    groupId: Type.String({ pattern: ULID }),
    schemaVersion: Type.String({ pattern: SHA256 }),
    records: Type.Array(EncodingRecord, { maxItems: MAX_RECORDS_PER_MESSAGE }),
    removed: Type.Optional(Type.Array(Ref, { maxItems: MAX_RECORDS_PER_MESSAGE })),
  },
  strict,
);
export type EncodingsMessage = Static<typeof EncodingsMessage>;

export const MatchMessage = Type.Object(
  {
    groupId: Type.String({ pattern: ULID }),
    kind: literals(RECORD_KINDS),
    score: Type.Number({ minimum: 0, maximum: 1 }),
    schemaVersion: Type.String({ pattern: SHA256 }),
    yours: Type.Object({ ref: Ref }, strict),
    theirs: Type.Object({ node: NodeId(), ref: Ref }, strict),
  },
  strict,
);
export type MatchMessage = Static<typeof MatchMessage>;
