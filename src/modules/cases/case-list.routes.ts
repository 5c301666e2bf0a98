/** The case list (issue 15): the list itself, labels, voiding, and each user's saved filters. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { NoContent, responses } from '../../app/schemas.ts';
import type { Services } from '../../app/services.ts';
import { CaseLabel, CaseListPage, FilterParams, NewSavedFilter, SavedFilter, VoidRequest } from './case-list.schema.ts';
import { CaseParams, CaseQuery } from './cases.schema.ts';

export const caseListSchemas = [SavedFilter];

export const caseListRoutes =
  ({ cases }: Pick<Services, 'cases'>): FastifyPluginAsyncTypebox =>
  async (app) => {
    const tags = ['cases'];

    app.get(
      '/cases',
      {
        schema: {
          tags,
          summary: 'List the cases you may see, to work from: by last activity (newest first) unless sorted',
          description:
            'Keyset pages: pass `nextCursor` back as `cursor` (with the same sort and dir) for the next page. ' +
            '`mine` keeps the cases assigned to you.',
          querystring: CaseQuery,
          response: responses({ 200: CaseListPage }, 401, 403),
        },
      },
      (request) => cases.list(request.ctx, request.query),
    );

    app.put(
      '/cases/:caseId/label',
      {
        schema: {
          tags,
          summary: "Set or remove the case's non-identifying label, shown in the case list",
          params: CaseParams,
          body: CaseLabel,
          response: responses({ 204: NoContent }, 401, 403, 404),
        },
      },
      async (request, reply) => {
        await cases.setLabel(request.ctx, request.params.caseId, request.body.label);
        return reply.status(204).send(null);
      },
    );

    app.post(
      '/cases/:caseId/void',
      {
        schema: {
          tags,
          summary: 'Void a case created in error (a supervisor): gone from lists and reads, kept in the audit trail',
          params: CaseParams,
          body: VoidRequest,
          response: responses({ 204: NoContent }, 401, 403, 404),
        },
      },
      async (request, reply) => {
        await cases.void(request.ctx, request.params.caseId, request.body.reason);
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/cases/filters',
      {
        schema: {
          tags,
          summary: 'Your saved filters of the case list',
          response: responses({ 200: Type.Array(Type.Ref('SavedCaseFilter')) }, 401, 403),
        },
      },
      (request) => cases.savedFilters.list(request.ctx),
    );

    app.post(
      '/cases/filters',
      {
        schema: {
          tags,
          summary: 'Save a filter of the case list under a name',
          body: NewSavedFilter,
          response: responses({ 201: Type.Ref('SavedCaseFilter') }, 401, 403, 409),
        },
      },
      async (request, reply) => reply.status(201).send(await cases.savedFilters.create(request.ctx, request.body)),
    );

    app.delete(
      '/cases/filters/:filterId',
      {
        schema: {
          tags,
          summary: 'Delete one of your saved filters',
          params: FilterParams,
          response: responses({ 204: NoContent }, 401, 403, 404),
        },
      },
      async (request, reply) => {
        await cases.savedFilters.remove(request.ctx, request.params.filterId);
        return reply.status(204).send(null);
      },
    );
  };
