import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { responses } from '../../app/schemas.ts';
import type { Services } from '../../app/services.ts';
import { CaseParams } from '../cases/index.ts';
import { CaseOverview } from './case-overview.schema.ts';

export const caseOverviewSchemas = [CaseOverview];

export const caseOverviewRoutes =
  ({ caseOverview }: Services): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.get(
      '/cases/:caseId/overview',
      {
        schema: {
          tags: ['cases'],
          summary: 'A case page in one request: the case, its stages, the summary and the names of those who acted',
          description:
            'Parts the caller may not read (risk, consent, referrals, evidence) are left out, not refused. Each part ' +
            'read is recorded in the audit trail by the module that holds it.',
          params: CaseParams,
          response: responses({ 200: Type.Ref('CaseOverview') }, 401, 403, 404),
        },
      },
      (request) => caseOverview.overview(request.ctx, request.params.caseId),
    );
  };
