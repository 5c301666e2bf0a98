import { type Static, type TSchema, Type } from 'typebox';
import {
  CUSTODY_EVENTS,
  DESCRIPTION_MAX,
  EVIDENCE_TYPES,
  HANDLING_CODES,
  type InformationAccuracy,
  SOURCE_RELIABILITY,
  TEXT_MAX,
  TITLE_MAX,
  TRANSFORMATIONS,
} from '../../shared/evidence.ts';
import { PURPOSES } from '../../shared/policy.ts';

// Unsafe names the union's values for Static<> (a mapped array of literals would type as never); the JSON is the same.
const literals = <T extends string | number>(values: readonly T[], options = {}) =>
  Type.Unsafe<T>(
    Type.Union(
      values.map((v) => Type.Literal(v)),
      options,
    ),
  );
const nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const sha256 = Type.String({ pattern: '^[0-9a-f]{64}$', description: 'SHA-256 of the content, lower-case hex' });

export const HandlingCode = literals(HANDLING_CODES, {
  description:
    'SIENA handling code: H0 purpose-restricted, H1 not for court without the provider’s permission, ' +
    'H2 no onward sharing, H3 other restrictions (written in handlingNote)',
});
export const Transformation = literals(TRANSFORMATIONS, { description: 'How a working copy was made' });

export const EvidenceParams = Type.Object({ evidenceId: Type.String() });
export const CaseEvidenceParams = Type.Object({ caseId: Type.String() });

export const EvidenceItem = Type.Object(
  {
    id: Type.String(),
    caseId: Type.String(),
    title: Type.String(),
    description: nullable(Type.String()),
    collectedAt: nullable(Type.String({ format: 'date-time' })),
    collectedBy: nullable(Type.String()),
    collectedWhere: nullable(Type.String()),
    source: nullable(Type.String()),
    device: nullable(Type.String()),
    type: nullable(literals(EVIDENCE_TYPES)),
    handlingCode: HandlingCode,
    handlingNote: nullable(Type.String()),
    sourceReliability: nullable(literals(SOURCE_RELIABILITY, { description: 'SIENA source reliability' })),
    informationAccuracy: nullable(
      Type.Unsafe<InformationAccuracy>(
        Type.Integer({ minimum: 1, maximum: 4, description: 'SIENA information accuracy' }),
      ),
    ),
    fileName: Type.String(),
    mediaType: Type.String(),
    size: Type.Integer({ description: 'Bytes' }),
    sha256,
    sha512: Type.String({ pattern: '^[0-9a-f]{128}$' }),
    parentId: nullable(Type.String({ description: 'For a working copy: the item it was made from' })),
    parentSha256: nullable(sha256),
    transformation: nullable(Transformation),
    createdAt: Type.String({ format: 'date-time' }),
    createdBy: Type.String({ description: 'user:<id> or operator:<name>' }),
    erasedFields: Type.Array(Type.String(), {
      description:
        "Free-text fields erased with the survivor's identity (names only): they read as null, the title and file name as empty text",
    }),
  },
  { $id: 'EvidenceItem' },
);
export type EvidenceItem = Static<typeof EvidenceItem>;

export const CustodyEvent = Type.Object(
  {
    index: Type.Integer({ description: 'Index of the event’s entry in the node’s custody log' }),
    itemId: Type.String(),
    event: literals(CUSTODY_EVENTS),
    actor: Type.String({ description: 'user:<id> or console' }),
    at: Type.String({ format: 'date-time' }),
    reason: nullable(Type.String()),
  },
  { $id: 'CustodyEvent' },
);
export type CustodyEvent = Static<typeof CustodyEvent>;

const text = (description: string, maxLength = TEXT_MAX) => Type.Optional(Type.String({ maxLength, description }));

const metadataFields = {
  title: text('Required for an original; a working copy defaults to its original’s title', TITLE_MAX),
  description: text('May hold sensitive text; never logged', DESCRIPTION_MAX),
  collectedAt: text('YYYY-MM-DD, or a date and time with a time zone', 40),
  collectedBy: text('Who collected or seized it'),
  collectedWhere: text('Where it was collected'),
  source: text('Where it came from (e.g. a seized phone, a witness, an open source)'),
  device: text('The device it was taken from or recorded with'),
  type: Type.Optional(literals(EVIDENCE_TYPES)),
  handlingCode: Type.Optional(HandlingCode),
  handlingNote: text('The restrictions of H3'),
  sourceReliability: Type.Optional(literals(SOURCE_RELIABILITY)),
  informationAccuracy: Type.Optional(literals(['1', '2', '3', '4'])),
  fileName: text('Defaults to the file part’s file name'),
  mediaType: text('Defaults to the file part’s Content-Type', 255),
  sha256: Type.Optional(
    Type.String({ description: 'SHA-256 the client computed: a file that does not match it is refused' }),
  ),
};

const file = Type.String({ format: 'binary', description: 'The content: the last part, after every field' });

/**
 * The multipart body as documented. The route reads the fields before the file and the service checks them all at
 * once (error.details.errors lists every field with its reason), so this schema only describes them.
 */
export const EvidenceUpload = Type.Object({ ...metadataFields, file });
export const CopyUpload = Type.Object({ transformation: Type.Optional(Transformation), ...metadataFields, file });

export const ContentQuery = Type.Object(
  { purpose: Type.Optional(literals(PURPOSES, { description: 'Why you need the content (recorded)' })) },
  { additionalProperties: false },
);
