/** The API contract of cross-border referrals, and the bodies of the `passage.referral.*` messages. */
import { type Static, type TSchema, Type } from 'typebox';
import { XB_KINDS, XB_PURPOSES, XB_STATUSES } from '../../shared/cross-border.ts';
import { type Handling, handlingInput, handlingView } from '../../shared/handling.ts';

// Unsafe names the union's values for Static<> (a mapped array of literals would type as never); the JSON is the same.
const literals = <T extends string>(values: readonly T[], options = {}) =>
  Type.Unsafe<T>(
    Type.Union(
      values.map((v) => Type.Literal(v)),
      options,
    ),
  );
const strict = { additionalProperties: false } as const;
const nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

const Ulid = Type.String({ pattern: '^[0-9A-HJKMNP-TV-Z]{26}$' });
const Instant = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?Z$' });
const NodeId = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,62}$', description: 'A node id, e.g. node-md' });
const FieldNames = Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { minItems: 1, maxItems: 200 });
const Kind = literals(XB_KINDS, { description: 'referral: the sender keeps the case; transfer: ownership moves' });
const Purpose = literals(XB_PURPOSES);
const Text = Type.String({ minLength: 1, maxLength: 2000 });
/** A compact JWE; 1 MiB bounds the whole message anyway. */
const Sealed = Type.String({ minLength: 1, maxLength: 900_000 });

// Message bodies (docs/federation.md).

export const ReferralOfferMessage = Type.Object(
  {
    referralId: Ulid,
    kind: Kind,
    purpose: Purpose,
    fields: FieldNames,
    caseReference: Type.String({ minLength: 1, maxLength: 100 }),
    offeredAt: Instant,
    sealed: Sealed,
    // Absent from a node of before handling codes travelled: the receiver applies the default (H0).
    ...handlingInput,
  },
  strict,
);
export type ReferralOfferMessage = {
  referralId: string;
  kind: (typeof XB_KINDS)[number];
  purpose: (typeof XB_PURPOSES)[number];
  fields: string[];
  caseReference: string;
  offeredAt: string;
  sealed: string;
} & Partial<Handling>;

export const ReferralStatusMessage = Type.Object(
  {
    referralId: Ulid,
    status: literals(['accepted', 'declined', 'revoked']),
    caseReference: nullable(Type.String({ minLength: 1, maxLength: 100 })),
    reason: nullable(Text),
    at: Instant,
  },
  strict,
);
export type ReferralStatusMessage = {
  referralId: string;
  status: 'accepted' | 'declined' | 'revoked';
  caseReference: string | null;
  reason: string | null;
  at: string;
};

export const ReferralUpdateMessage = Type.Object(
  { referralId: Ulid, updateId: Ulid, at: Instant, sealed: Sealed },
  strict,
);
export type ReferralUpdateMessage = { referralId: string; updateId: string; at: string; sealed: string };

export const ReferralWithdrawMessage = Type.Object({ referralId: Ulid, reason: Text }, strict);
export type ReferralWithdrawMessage = { referralId: string; reason: string };

export const ReferralErasedMessage = Type.Object({ referralId: Ulid, erasedAt: Instant }, strict);
export type ReferralErasedMessage = { referralId: string; erasedAt: string };

// The API.

export const NewCrossBorderReferral = Type.Object(
  {
    to: NodeId,
    kind: Kind,
    purpose: Purpose,
    fields: Type.Array(Type.String({ minLength: 1, maxLength: 100 }), {
      minItems: 1,
      maxItems: 200,
      description: 'HTCDS fields of the survivor, victim and case to send (prs_, psg_, vic_, con_, cas_)',
    }),
    note: Type.Optional(Type.String({ maxLength: 2000, description: 'For the receiver; sent encrypted' })),
    ...handlingInput,
  },
  strict,
);
export type NewCrossBorderReferral = {
  to: string;
  kind: (typeof XB_KINDS)[number];
  purpose: (typeof XB_PURPOSES)[number];
  fields: string[];
  note?: string;
} & Partial<Handling>;

export const CrossBorderReferral = Type.Object(
  {
    id: Type.String(),
    direction: literals(['out', 'in'], { description: 'out: this node sent it; in: this node received it' }),
    peer: Type.String({ description: 'The other node' }),
    peerName: nullable(Type.String({ description: "The other node's name as this node knows it" })),
    peerCountry: Type.String({ description: 'ISO 3166-1 alpha-2' }),
    kind: Kind,
    purpose: Purpose,
    status: literals(XB_STATUSES),
    caseId: nullable(Type.String({ description: 'out: the referred case; in: the linked case once accepted' })),
    caseReference: nullable(Type.String()),
    agencyId: nullable(Type.String()),
    remoteCaseReference: nullable(Type.String({ description: "The other node's reference of the case" })),
    fields: Type.Array(Type.String(), { description: 'The names of the fields sent, never their values' }),
    ...handlingView,
    statusReason: nullable(Type.String()),
    offeredBy: Type.String(),
    offeredByName: nullable(
      Type.String({ description: 'Who offered it: a person of this node by name, or the other node by its name' }),
    ),
    offeredAt: Type.String({ format: 'date-time' }),
    respondedAt: nullable(Type.String({ format: 'date-time' })),
    erasedAt: nullable(Type.String({ format: 'date-time' })),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'CrossBorderReferral', description: 'A referral or transfer of a case between nodes' },
);
export type CrossBorderReferral = Static<typeof CrossBorderReferral>;

export const CrossBorderReferralUpdate = Type.Object({
  id: Type.String(),
  node: Type.String({ description: 'The node that wrote it' }),
  nodeName: nullable(Type.String({ description: "That node's name (this node's own name is not given: null)" })),
  author: Type.String(),
  authorName: nullable(Type.String({ description: 'A person of this node by name; null for the other node’s people' })),
  at: Type.String({ format: 'date-time' }),
  text: nullable(Type.String({ description: 'null once erased' })),
});
export type CrossBorderReferralUpdate = Static<typeof CrossBorderReferralUpdate>;

export const CrossBorderReferralParams = Type.Object({ referralId: Type.String({ minLength: 1, maxLength: 40 }) });
export const CrossBorderReferralQuery = Type.Object({
  direction: Type.Optional(literals(['in', 'out'])),
  status: Type.Optional(literals(XB_STATUSES)),
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  offset: Type.Integer({ minimum: 0, maximum: 2_147_483_647, default: 0 }),
});
export const AcceptBody = Type.Object(
  { agencyId: Type.String({ minLength: 1, maxLength: 40, description: 'The agency of this node taking the case' }) },
  strict,
);
export const UpdateBody = Type.Object({ text: Text }, strict);
export type UpdateBody = Static<typeof UpdateBody>;
