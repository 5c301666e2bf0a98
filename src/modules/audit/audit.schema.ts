import { type Static, Type } from 'typebox';
import type { ChainBreak } from '../../lib/hash-chain.ts';
import { PURPOSES, type Purpose } from '../../shared/policy.ts';

const Outcome = Type.Union([Type.Literal('success'), Type.Literal('denied'), Type.Literal('failure')]);

export const AuditRecord = Type.Object(
  {
    seq: Type.Integer(),
    at: Type.String({ format: 'date-time' }),
    actor: Type.String({ description: 'user:<id>, operator:<name> or anonymous' }),
    action: Type.String(),
    resource: Type.Union([Type.String(), Type.Null()]),
    resources: Type.Union([Type.Array(Type.String()), Type.Null()], {
      description:
        'The records a list read showed (one record per list request), or the ids a refused request asked for',
    }),
    purpose: Type.Union([Type.String(), Type.Null()]),
    outcome: Outcome,
    requestId: Type.Union([Type.String(), Type.Null()]),
    omitted: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()], {
      description:
        'On a summary of refusals: how many more refusals of this kind and source were counted but not recorded one by one',
    }),
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
    actor: Type.Optional(Type.String({ description: 'user:<id>, operator:<name> or anonymous' })),
    action: Type.Optional(Type.String({ description: 'An action, or a family of actions: `case.*`' })),
    resource: Type.Optional(
      Type.String({ description: "A record's id (`case:<id>`): also found among the records a list read showed" }),
    ),
    outcome: Type.Optional(Outcome),
    from: Type.Optional(Type.String({ format: 'date-time' })),
    to: Type.Optional(Type.String({ format: 'date-time' })),
    afterSeq: Type.Optional(Type.Integer({ minimum: 0 })),
    order: Type.Optional(
      Type.Union([Type.Literal('oldest'), Type.Literal('newest')], {
        description: 'Oldest first (the default, pages with afterSeq) or newest first (the last records)',
      }),
    ),
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
