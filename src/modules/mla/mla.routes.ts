import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { responses } from '../../app/schemas.ts';
import type { Services } from '../../app/services.ts';
import type { MlaAction } from '../../shared/mla-states.ts';
import {
  ExtensionBody,
  MlaAlert,
  MlaChanges,
  MlaParams,
  MlaQuery,
  MlaReadQuery,
  MlaRequest,
  NewMlaRequest,
  PostponementBody,
  ReasonBody,
  ReturnEvidenceBody,
} from './mla.schema.ts';

export const mlaSchemas = [MlaRequest, MlaAlert];

export const mlaRoutes =
  ({ mla }: Services): FastifyPluginAsyncTypebox =>
  async (app) => {
    const tags = ['mla'];
    const request = Type.Ref('MlaRequest');

    app.post(
      '/mla',
      {
        schema: {
          tags,
          summary: 'Draft an MLA / European Investigation Order style request to a peer node (issuing side)',
          body: NewMlaRequest,
          response: responses({ 201: request }, 401, 403, 404, 409),
        },
      },
      async (req, reply) => reply.status(201).send(await mla.create(req.ctx, req.body)),
    );

    app.get(
      '/mla',
      {
        schema: {
          tags,
          summary: "This node's MLA requests with their statutory clocks, newest first",
          querystring: MlaQuery,
          response: responses({ 200: Type.Object({ total: Type.Integer(), requests: Type.Array(request) }) }, 401, 403),
        },
      },
      (req) => mla.list(req.ctx, req.query),
    );

    app.get(
      '/mla/alerts',
      {
        schema: {
          tags,
          summary: 'The statutory clocks on this node that are approaching their due date or past it',
          response: responses({ 200: Type.Array(Type.Ref('MlaAlert')) }, 401, 403),
        },
      },
      (req) => mla.alerts(req.ctx),
    );

    app.get(
      '/mla/:id',
      {
        schema: {
          tags,
          summary: 'One MLA request with its clocks and history (with a purpose, also the persons concerned)',
          params: MlaParams,
          querystring: MlaReadQuery,
          response: responses({ 200: request }, 401, 403, 404),
        },
      },
      (req) => mla.get(req.ctx, req.params.id, req.query.purpose),
    );

    app.patch(
      '/mla/:id',
      {
        schema: {
          tags,
          summary: 'Change a draft request (issuing side)',
          params: MlaParams,
          body: MlaChanges,
          response: responses({ 200: request }, 401, 403, 404, 409),
        },
      },
      (req) => mla.update(req.ctx, req.params.id, req.body),
    );

    app.post(
      '/mla/:id/send',
      {
        schema: {
          tags,
          summary: 'Send the draft to the executing node (passage.mla.request)',
          params: MlaParams,
          response: responses({ 200: request }, 401, 403, 404, 409),
        },
      },
      (req) => mla.send(req.ctx, req.params.id),
    );

    // The steps after sending, each a POST on the request, in this order; a step with a body reads it as typed by its
    // schema.
    const step = (summary: string) => ({
      tags,
      summary,
      description: 'Refused with 409 mla_wrong_state unless the request is in a state (and on the side) for it.',
      params: MlaParams,
    });
    const stepResponses = () => responses({ 200: request }, 401, 403, 404, 409);
    const withoutBody = (path: string, action: Exclude<MlaAction, 'return_evidence'>, summary: string) =>
      app.post(`/mla/:id/${path}`, { schema: { ...step(summary), response: stepResponses() } }, (req) =>
        mla.act(req.ctx, req.params.id, action, {}),
      );

    withoutBody('acknowledge', 'acknowledge', 'Acknowledge receipt (executing side; due 7 days after it)');
    withoutBody('recognise', 'recognise', 'Recognise the request (executing side; due 30 days after receipt)');
    app.post(
      '/mla/:id/refuse',
      {
        schema: {
          ...step('Refuse the request, with the grounds (executing side)'),
          body: ReasonBody,
          response: stepResponses(),
        },
      },
      (req) => mla.act(req.ctx, req.params.id, 'refuse', { reason: req.body.reason }),
    );
    app.post(
      '/mla/:id/extend',
      {
        schema: {
          ...step('Extend the decision period once, by up to 30 days, with a reason (executing side)'),
          body: ExtensionBody,
          response: stepResponses(),
        },
      },
      (req) => mla.act(req.ctx, req.params.id, 'extend', { extensionDays: req.body.days, reason: req.body.reason }),
    );
    withoutBody('start-execution', 'start_execution', 'Start executing a recognised request');
    app.post(
      '/mla/:id/postpone',
      {
        schema: {
          ...step('Postpone the execution to a later date, with a reason (executing side)'),
          body: PostponementBody,
          response: stepResponses(),
        },
      },
      (req) => mla.act(req.ctx, req.params.id, 'postpone', { postponedUntil: req.body.until, reason: req.body.reason }),
    );
    withoutBody('executed', 'executed', 'Record that the measures were executed (executing side)');
    withoutBody('close', 'close', 'Close a refused or executed request (issuing side)');

    app.post(
      '/mla/:id/return-evidence',
      {
        schema: {
          tags,
          summary: 'Return the evidence to the issuing node as a custody transfer (executing side)',
          params: MlaParams,
          body: ReturnEvidenceBody,
          response: responses({ 200: request }, 401, 403, 404, 409, 503),
        },
      },
      (req) => mla.returnEvidence(req.ctx, req.params.id, req.body.itemIds),
    );
  };
