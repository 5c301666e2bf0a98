import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { NoContent, responses } from '../../app/schemas.ts';
import type { Services } from '../../app/services.ts';
import { caseListRoutes, caseListSchemas } from './case-list.routes.ts';
import {
  Assignment,
  Case,
  CaseChanges,
  CaseEvent,
  CaseParams,
  CaseSummary,
  ClosureDecision,
  Comment,
  Consent,
  ConsentParams,
  Disclosure,
  Identity,
  IdentityChanges,
  IdentityRequest,
  Movement,
  NewCase,
  NewConsent,
  NewOverride,
  Notice,
  Perpetrator,
  Reason,
  SearchHit,
  SearchQuery,
  StageSpan,
  Transition,
} from './cases.schema.ts';

export const caseSchemas = [Case, CaseSummary, CaseEvent, Consent, ...caseListSchemas];

export const casesRoutes =
  ({ cases, survivors }: Services): FastifyPluginAsyncTypebox =>
  async (app) => {
    const tags = ['cases'];
    const caseRef = Type.Ref('Case');

    app.post(
      '/cases',
      {
        schema: {
          tags,
          summary: 'Record a first report: open a case for a survivor',
          body: NewCase,
          response: responses({ 201: caseRef }, 401, 403),
        },
      },
      async (request, reply) => reply.status(201).send(await cases.create(request.ctx, request.body)),
    );

    await app.register(caseListRoutes({ cases }));

    app.post(
      '/cases/search',
      {
        schema: {
          tags,
          summary: 'Find cases by survivor name (fuzzy, ranked), document, phone or birth date',
          description: 'Searches blind indexes; nothing is decrypted. A POST so that no identity value is in a URL.',
          body: SearchQuery,
          response: responses({ 200: Type.Array(SearchHit) }, 401, 403),
        },
      },
      (request) => cases.search(request.ctx, request.body),
    );

    app.get(
      '/cases/:caseId',
      {
        schema: {
          tags,
          summary: 'Read a case (pseudonymous: no identity fields)',
          params: CaseParams,
          response: responses({ 200: caseRef }, 401, 403, 404),
        },
      },
      (request) => cases.get(request.ctx, request.params.caseId),
    );

    app.patch(
      '/cases/:caseId',
      {
        schema: {
          tags,
          summary: 'Change case fields (not identity)',
          params: CaseParams,
          body: CaseChanges,
          response: responses({ 200: caseRef }, 401, 403, 404, 409),
        },
      },
      (request) => cases.update(request.ctx, request.params.caseId, request.body),
    );

    app.post(
      '/cases/:caseId/comments',
      {
        schema: {
          tags,
          summary: 'Add a case comment (cco_CaseComment)',
          params: CaseParams,
          body: Comment,
          response: responses({ 204: NoContent }, 401, 403, 404),
        },
      },
      async (request, reply) => {
        await cases.addComment(request.ctx, request.params.caseId, request.body.comment);
        return reply.status(204).send(null);
      },
    );

    app.post(
      '/cases/:caseId/movements',
      {
        schema: {
          tags,
          summary: 'Add a recruitment, transit or exploitation event (hte_ fields)',
          params: CaseParams,
          body: Movement,
          response: responses({ 204: NoContent }, 401, 403, 404),
        },
      },
      async (request, reply) => {
        await cases.addMovement(request.ctx, request.params.caseId, request.body.fields);
        return reply.status(204).send(null);
      },
    );

    app.post(
      '/cases/:caseId/perpetrators',
      {
        schema: {
          tags,
          summary: 'Add a perpetrator (per_ fields; their identity is encrypted)',
          params: CaseParams,
          body: Perpetrator,
          response: responses({ 204: NoContent }, 401, 403, 404),
        },
      },
      async (request, reply) => {
        await cases.addPerpetrator(request.ctx, request.params.caseId, request.body);
        return reply.status(204).send(null);
      },
    );

    app.post(
      '/cases/:caseId/transitions',
      {
        schema: {
          tags,
          summary: 'Move the case to another stage (closing files a request for a supervisor)',
          params: CaseParams,
          body: Transition,
          response: responses({ 200: caseRef }, 401, 403, 404, 409),
        },
      },
      (request) => cases.transition(request.ctx, request.params.caseId, request.body.to, request.body.reason),
    );

    app.post(
      '/cases/:caseId/closure',
      {
        schema: {
          tags,
          summary: 'Approve or reject the pending closure request (a supervisor other than the requester)',
          params: CaseParams,
          body: ClosureDecision,
          response: responses({ 200: caseRef }, 401, 403, 404, 409),
        },
      },
      (request) => cases.decideClosure(request.ctx, request.params.caseId, request.body.approve, request.body.reason),
    );

    app.get(
      '/cases/:caseId/assignees',
      {
        schema: {
          tags,
          summary: "Whom a supervisor may give the case to: the enabled users with a role in the case's agency",
          params: CaseParams,
          response: responses(
            { 200: Type.Array(Type.Object({ id: Type.String(), displayName: Type.String() })) },
            401,
            403,
            404,
          ),
        },
      },
      (request) => cases.assignees(request.ctx, request.params.caseId),
    );

    app.post(
      '/cases/:caseId/assignment',
      {
        schema: {
          tags,
          summary: 'Give the case to another worker of its agency (a supervisor); own-case and team grants follow it',
          params: CaseParams,
          body: Assignment,
          response: responses({ 200: caseRef }, 401, 403, 404, 409),
        },
      },
      (request) => cases.assign(request.ctx, request.params.caseId, request.body.userId),
    );

    app.get(
      '/cases/:caseId/timeline',
      {
        schema: {
          tags,
          summary: 'Every event of the case, in order',
          params: CaseParams,
          response: responses({ 200: Type.Array(Type.Ref('CaseEvent')) }, 401, 403, 404),
        },
      },
      (request) => cases.timeline(request.ctx, request.params.caseId),
    );

    app.get(
      '/cases/:caseId/stages',
      {
        schema: {
          tags,
          summary: 'Time spent in each stage',
          params: CaseParams,
          response: responses({ 200: Type.Array(StageSpan) }, 401, 403, 404),
        },
      },
      (request) => cases.stages(request.ctx, request.params.caseId),
    );

    app.post(
      '/cases/:caseId/identity/read',
      {
        schema: {
          tags,
          summary: "Reveal the survivor's identity for a stated purpose (recorded as a disclosure)",
          params: CaseParams,
          body: IdentityRequest,
          response: responses({ 200: Identity }, 401, 403, 404, 410),
        },
      },
      (request) => survivors.readIdentity(request.ctx, request.params.caseId, request.body.purpose),
    );

    app.patch(
      '/cases/:caseId/identity',
      {
        schema: {
          tags,
          summary: "Change the survivor's identity fields (null removes one)",
          params: CaseParams,
          body: IdentityChanges,
          response: responses({ 200: Type.Object({ changed: Type.Array(Type.String()) }) }, 401, 403, 404, 410),
        },
      },
      async (request) => ({
        changed: await survivors.updateIdentity(request.ctx, request.params.caseId, request.body.fields),
      }),
    );

    app.post(
      '/cases/:caseId/identity/erase',
      {
        schema: {
          tags,
          summary: "Erase the survivor's identity for good (crypto-shredding); the case stays, pseudonymous",
          params: CaseParams,
          body: Reason,
          response: responses({ 204: NoContent }, 401, 403, 404, 410),
        },
      },
      async (request, reply) => {
        await survivors.erase(request.ctx, request.params.caseId, request.body.reason);
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/cases/:caseId/consents',
      {
        schema: {
          tags,
          summary: "The survivor's consent records, oldest first",
          params: CaseParams,
          response: responses({ 200: Type.Array(Type.Ref('Consent')) }, 401, 403, 404),
        },
      },
      (request) => survivors.consents(request.ctx, request.params.caseId),
    );

    app.post(
      '/cases/:caseId/consents',
      {
        schema: {
          tags,
          summary: "Record the survivor's consent decision for a purpose",
          params: CaseParams,
          body: NewConsent,
          response: responses({ 201: Type.Ref('Consent') }, 401, 403, 404),
        },
      },
      async (request, reply) =>
        reply.status(201).send(await survivors.recordConsent(request.ctx, request.params.caseId, request.body)),
    );

    app.post(
      '/cases/:caseId/consents/overrides',
      {
        schema: {
          tags,
          summary: 'Override consent on a legal basis (the survivor is notified)',
          params: CaseParams,
          body: NewOverride,
          response: responses({ 201: Type.Ref('Consent') }, 401, 403, 404),
        },
      },
      async (request, reply) =>
        reply.status(201).send(await survivors.overrideConsent(request.ctx, request.params.caseId, request.body)),
    );

    app.post(
      '/cases/:caseId/consents/:consentId/withdraw',
      {
        schema: {
          tags,
          summary: 'Withdraw a consent record',
          params: ConsentParams,
          body: Reason,
          response: responses({ 200: Type.Ref('Consent') }, 401, 403, 404),
        },
      },
      (request) =>
        survivors.withdrawConsent(request.ctx, request.params.caseId, request.params.consentId, request.body.reason),
    );

    app.get(
      '/cases/:caseId/disclosures',
      {
        schema: {
          tags,
          summary: "Every view, share and export of the survivor's identity",
          params: CaseParams,
          response: responses({ 200: Type.Array(Disclosure) }, 401, 403, 404),
        },
      },
      (request) => survivors.disclosures(request.ctx, request.params.caseId),
    );

    app.get(
      '/cases/:caseId/notices',
      {
        schema: {
          tags,
          summary: 'Notices owed to the survivor (e.g. a consent override)',
          params: CaseParams,
          response: responses({ 200: Type.Array(Notice) }, 401, 403, 404),
        },
      },
      (request) => survivors.notices(request.ctx, request.params.caseId),
    );
  };
