import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { responses } from '../../app/schemas.ts';
import type { Services } from '../../app/services.ts';
import { PURPOSES } from '../../shared/policy.ts';

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

const AuditQuery = Type.Object(
  {
    purpose: Type.Union(
      PURPOSES.map((p) => Type.Literal(p)),
      { description: 'Why you read the trail' },
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

const VerifyResult = Type.Object({
  ok: Type.Boolean(),
  records: Type.Integer({ description: 'Records checked before the first break (all of them when ok)' }),
  headHash: Type.String(),
  firstBroken: Type.Union([
    Type.Object({ seq: Type.Integer(), reason: Type.String(), record: Type.Ref('AuditRecord') }),
    Type.Null(),
  ]),
});

export const auditRoutes =
  ({ audit }: Services): FastifyPluginAsyncTypebox =>
  async (app) => {
    const tags = ['audit'];
    app.get(
      '/audit',
      {
        schema: {
          tags,
          summary: 'Query the audit trail',
          querystring: AuditQuery,
          response: responses({ 200: Type.Array(Type.Ref('AuditRecord')) }, 401, 403),
        },
      },
      async (request) => {
        const { purpose, ...filter } = request.query;
        return audit.query(request.ctx, filter, purpose);
      },
    );
    app.get(
      '/audit/verify',
      {
        schema: {
          tags,
          summary: 'Recompute the hash chain of the audit trail',
          response: responses({ 200: VerifyResult }, 401, 403),
        },
      },
      async (request) => audit.verify(request.ctx),
    );
  };
