import { type Static, Type } from 'typebox';
import { handlingInput } from '../../shared/handling.ts';

const strict = { additionalProperties: false } as const;
const ULID = '^[0-9A-HJKMNP-TV-Z]{26}$';
const NODE_ID = '^[a-z0-9][a-z0-9-]{1,62}$';
const SHA256 = '^[0-9a-f]{64}$';

export const MAX_ITEMS = 50;
export const REASON_MAX = 2000;

const Ulid = (description?: string) => Type.String({ pattern: ULID, ...(description ? { description } : {}) });
const NodeId = (description?: string) => Type.String({ pattern: NODE_ID, ...(description ? { description } : {}) });
const HandlingCode = Type.Union([Type.Literal('H0'), Type.Literal('H1'), Type.Literal('H2'), Type.Literal('H3')], {
  description: 'SIENA handling code; H1 and H2 bind the receiver (docs/federation.md)',
});
const Reason = (description: string) => Type.String({ minLength: 1, maxLength: REASON_MAX, description });

export const TransferContext = Type.Object(
  {
    kind: Type.Union([Type.Literal('mla'), Type.Literal('jit'), Type.Literal('case')]),
    ref: Type.String({ minLength: 1, maxLength: 200, description: 'The MLA request, the JIT, or a case reference' }),
  },
  strict,
);
export type TransferContext = Static<typeof TransferContext>;

// The message bodies (docs/federation.md).

const TravellingEvent = Type.Object(
  {
    index: Type.Integer({ minimum: 0 }),
    entry: Type.String({ maxLength: 4096 }),
    proof: Type.Array(Type.String({ maxLength: 64 }), { maxItems: 64 }),
  },
  strict,
);

const ItemFields = {
  id: Type.String({ minLength: 1, maxLength: 100, description: "The item's id at the sender" }),
  title: Type.String({ minLength: 1, maxLength: 500 }),
  fileName: Type.String({ minLength: 1, maxLength: 255 }),
  mediaType: Type.String({ minLength: 1, maxLength: 255 }),
  size: Type.Integer({ minimum: 0 }),
  sha256: Type.String({ pattern: SHA256 }),
  handlingCode: HandlingCode,
  handlingNote: Type.Union([Type.String({ maxLength: 2000 }), Type.Null()]),
  // The provider's grading travels with the item; a node of before it did sends none.
  sourceReliability: handlingInput.sourceReliability,
  informationAccuracy: handlingInput.informationAccuracy,
  description: Type.Union([Type.String({ maxLength: 10_000 }), Type.Null()]),
};

export const TransferMessage = Type.Object(
  {
    transferId: Ulid(),
    context: TransferContext,
    items: Type.Array(
      Type.Object(
        { ...ItemFields, content: Type.String(), custody: Type.Array(TravellingEvent, { maxItems: 1000 }) },
        strict,
      ),
      { minItems: 1, maxItems: MAX_ITEMS },
    ),
    checkpoint: Type.String({ minLength: 1, maxLength: 10_000 }),
  },
  strict,
);

export const TransferAnswerMessage = Type.Object(
  { transferId: Ulid(), reason: Type.Optional(Reason('Why the transfer was declined')) },
  strict,
);
export type TransferAnswerMessage = Static<typeof TransferAnswerMessage>;

export const PermissionPurpose = Type.Union([Type.Literal('court'), Type.Literal('forwarding')], {
  description: 'court: put the item in an evidence package (H1, H2); forwarding: send it on to another node (H2)',
});
export type PermissionPurpose = Static<typeof PermissionPurpose>;

export const PermissionRequestMessage = Type.Object(
  {
    requestId: Ulid(),
    itemRef: Type.Object({ node: NodeId(), id: Type.String({ minLength: 1, maxLength: 100 }) }, strict),
    purpose: PermissionPurpose,
    reason: Reason('Why the requester needs the permission'),
  },
  strict,
);
export type PermissionRequestMessage = Static<typeof PermissionRequestMessage>;

export const PermissionDecisionMessage = Type.Object(
  { requestId: Ulid(), granted: Type.Boolean(), reason: Reason('Why it was granted or refused') },
  strict,
);
export type PermissionDecisionMessage = Static<typeof PermissionDecisionMessage>;

// The API.

export const NewTransfer = Type.Object(
  {
    to: NodeId('The peer node the items go to'),
    itemIds: Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { minItems: 1, maxItems: MAX_ITEMS }),
    ref: Type.String({ minLength: 1, maxLength: 200, description: 'A reference the receiver knows the case by' }),
  },
  strict,
);
export const TransferParams = Type.Object({ transferId: Type.String({ maxLength: 100 }) }, strict);
export const ItemParams = Type.Object({ evidenceId: Type.String({ maxLength: 100 }) }, strict);
export const RequestParams = Type.Object({ requestId: Type.String({ maxLength: 100 }) }, strict);
export const AcceptBody = Type.Object({ caseId: Type.String({ minLength: 1, maxLength: 100 }) }, strict);
export const DeclineBody = Type.Object({ reason: Reason('Why the items are not taken; the sender sees it') }, strict);
export const ReadQuery = Type.Object(
  { purpose: Type.Union([Type.Literal('investigation'), Type.Literal('prosecution')]) },
  strict,
);
export const ListQuery = Type.Object(
  {
    direction: Type.Optional(Type.Union([Type.Literal('in'), Type.Literal('out')])),
    contextKind: Type.Optional(Type.Union([Type.Literal('mla'), Type.Literal('jit'), Type.Literal('case')])),
    contextRef: Type.Optional(Type.String({ maxLength: 200 })),
    status: Type.Optional(TransferStatus()),
  },
  strict,
);
export const NewPermissionRequest = Type.Object(
  { purpose: PermissionPurpose, reason: Reason('Why you need it; the provider sees it') },
  strict,
);
export const DecideBody = Type.Object(
  { granted: Type.Boolean(), reason: Reason('Why; the requester sees it') },
  strict,
);
export const PermissionListQuery = Type.Object(
  {
    direction: Type.Optional(Type.Union([Type.Literal('in'), Type.Literal('out')])),
    status: Type.Optional(Type.Union([Type.Literal('pending'), Type.Literal('granted'), Type.Literal('refused')])),
  },
  strict,
);

function TransferStatus() {
  return Type.Union(
    [Type.Literal('sent'), Type.Literal('pending'), Type.Literal('accepted'), Type.Literal('declined')],
    { description: 'out: sent → accepted or declined; in: pending → accepted or declined' },
  );
}

const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);

export const EvidenceTransfer = Type.Object(
  {
    id: Type.String(),
    direction: Type.Union([Type.Literal('in'), Type.Literal('out')]),
    peer: Type.String({ description: 'The node the items went to or came from' }),
    peerName: Nullable(Type.String({ description: "That node's name as this node knows it; null: no longer a peer" })),
    caseReference: Nullable(
      Type.String({
        description:
          'The reference of the case here (out: the items came from; in: they were accepted into), when you may read it',
      }),
    ),
    context: TransferContext,
    status: TransferStatus(),
    itemCount: Type.Integer(),
    caseId: Nullable(Type.String({ description: 'In and accepted: the case the items were added to' })),
    declineReason: Nullable(Type.String()),
    createdAt: Type.String(),
    decidedAt: Nullable(Type.String()),
  },
  { $id: 'EvidenceTransfer' },
);
export type EvidenceTransfer = Static<typeof EvidenceTransfer>;

export const EvidenceTransferDetail = Type.Object(
  {
    ...EvidenceTransfer.properties,
    checkpoint: Type.String({ description: "The sender's signed custody checkpoint" }),
    items: Type.Array(
      Type.Object({
        ...ItemFields,
        custodyEvents: Type.Integer({ description: 'How many custody events with proofs came with it' }),
        acceptedAs: Nullable(Type.String({ description: "In and accepted: the item's id in the case here" })),
      }),
    ),
  },
  { $id: 'EvidenceTransferDetail' },
);
export type EvidenceTransferDetail = Static<typeof EvidenceTransferDetail>;

export const PermissionRequest = Type.Object(
  {
    id: Type.String(),
    direction: Type.Union([Type.Literal('in'), Type.Literal('out')], {
      description: 'out: asked by this node of the provider; in: asked of this node about its item',
    }),
    peer: Type.String(),
    itemId: Type.String({ description: 'The item here (out: the received item; in: the original)' }),
    originalId: Type.String({ description: "The item's id at the provider" }),
    purpose: PermissionPurpose,
    reason: Type.String(),
    status: Type.Union([Type.Literal('pending'), Type.Literal('granted'), Type.Literal('refused')]),
    decisionReason: Nullable(Type.String()),
    requestedAt: Type.String(),
    decidedAt: Nullable(Type.String()),
  },
  { $id: 'EvidencePermissionRequest' },
);
export type PermissionRequest = Static<typeof PermissionRequest>;

/** A check a received bundle failed: the `problems` of a `transfer_unverified` error's details. */
export const VerificationProblem = Type.Object({
  check: Type.Union(
    [
      Type.Literal('checkpoint'),
      Type.Literal('content'),
      Type.Literal('inclusion_proof'),
      Type.Literal('custody_entry'),
    ],
    { description: "The checkpoint's signature, an item's content, an event's inclusion proof or its entry" },
  ),
  item: Type.Optional(Type.String({ description: "The item (by the sender's id), when the problem is one item's" })),
  message: Type.String(),
});
export type VerificationProblem = Static<typeof VerificationProblem>;
