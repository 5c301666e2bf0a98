import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { responses } from '../../app/schemas.ts';
import type { Services } from '../../app/services.ts';
import { AuditQuery, VerifyResult } from './audit.schema.ts';

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
        const { purpose, order, ...filter } = request.query;
        return audit.query(request.ctx, { ...filter, newestFirst: order === 'newest' }, purpose);
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
