import { type Static, Type } from 'typebox';
import type { ChainBreak } from '../../lib/hash-chain.ts';
import { PURPOSES, type Purpose } from '../../shared/policy.ts';

export const AuditRecord = Type.Object(
  {
    seq: Type.Integer(),
    at: Type.String({ format: 'date-time' }),
    actor: Type.String({ description: 'user:<id>, operator:<name> or anonymous' }),
    action: Type.String(),
    resource: Type.Union([Type.String(), Type.Null()]),
    purpose: Type.Union([Type.String(), Type.Null()]),
    outcome: Type.Union([Type.Literal('success'), Type.Literal('denied'), Type.Literal('failure')]),
    requestId: Type.Union([Type.String(), Type.Null()]),
    prevHash: Type.String(),
    hash: Type.String(),
  },
  { $id: 'AuditRecord' },
);
export type AuditRecord = Static<typeof AuditRecord>;

export const AuditQuery = Type.Object(
  {
    // Unsafe names the purposes for Static<> (a mapped array of literals would type as never); the JSON is the same.
    purpose: Type.Unsafe<Purpose>(
      Type.Union(
        PURPOSES.map((p) => Type.Literal(p)),
        { description: 'Why you read the trail' },
      ),
    ),
    actor: Type.Optional(Type.String()),
    action: Type.Optional(Type.String()),
    resource: Type.Optional(Type.String()),
    from: Type.Optional(Type.String({ format: 'date-time' })),
    to: Type.Optional(Type.String({ format: 'date-time' })),
    afterSeq: Type.Optional(Type.Integer({ minimum: 0 })),
    limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
  },
  { additionalProperties: false },
);
export type AuditQuery = Static<typeof AuditQuery>;

export const VerifyResult = Type.Object({
  ok: Type.Boolean(),
  records: Type.Integer({ description: 'Records checked before the first break (all of them when ok)' }),
  headHash: Type.String(),
  firstBroken: Type.Union([
    Type.Object({
      seq: Type.Integer(),
      reason: Type.Unsafe<ChainBreak['reason']>(Type.String()),
      record: Type.Ref('AuditRecord'),
    }),
    Type.Null(),
  ]),
});
export type VerifyResult = Static<typeof VerifyResult, { AuditRecord: typeof AuditRecord }>;
