import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { responses } from '../../app/schemas.ts';
import type { Services } from '../../app/services.ts';
import {
  AgencyBody,
  EvidenceBody,
  Jit,
  JitEntry,
  JitParams,
  JitSpace,
  MessageBody,
  NewJit,
  NewTask,
  ReadQuery,
  TaskParams,
} from './jit.schema.ts';

export const jitSchemas = [JitEntry, Jit, JitSpace];

const ENDED = 'Refused with 409 jit_ended after the end date of the JIT.';

export const jitRoutes =
  ({ jits }: Services): FastifyPluginAsyncTypebox =>
  async (app) => {
    const tags = ['jit'];
    const jit = Type.Ref('Jit');
    const entry = Type.Ref('JitEntry');

    app.post(
      '/jits',
      {
        schema: {
          tags,
          summary: 'Make a joint investigation team with other nodes; the agreement goes to every party',
          body: NewJit,
          response: responses({ 201: jit }, 401, 403, 409),
        },
      },
      async (req, reply) => reply.status(201).send(await jits.create(req.ctx, req.body)),
    );

    app.get(
      '/jits',
      {
        schema: {
          tags,
          summary: 'The JITs you work in or set up: agreements and members, newest first',
          response: responses({ 200: Type.Array(jit) }, 401, 403),
        },
      },
      (req) => jits.list(req.ctx),
    );

    app.get(
      '/jits/:jitId',
      {
        schema: {
          tags,
          summary: 'A JIT with its shared space: tasks and the timeline every party shows',
          params: JitParams,
          querystring: ReadQuery,
          response: responses({ 200: Type.Ref('JitSpace') }, 401, 403, 404),
        },
      },
      (req) => jits.get(req.ctx, req.params.jitId, req.query.purpose),
    );

    app.post(
      '/jits/:jitId/agencies',
      {
        schema: {
          tags,
          summary: 'Name an agency of this node as taking part (coordinator, node administrator)',
          description: ENDED,
          params: JitParams,
          body: AgencyBody,
          response: responses({ 200: jit }, 401, 403, 404, 409),
        },
      },
      (req) => jits.addAgency(req.ctx, req.params.jitId, req.body.agencyId),
    );

    app.post(
      '/jits/:jitId/messages',
      {
        schema: {
          tags,
          summary: 'Write a message in the shared space (sent to every other party)',
          description: ENDED,
          params: JitParams,
          body: MessageBody,
          response: responses({ 201: entry }, 401, 403, 404, 409),
        },
      },
      async (req, reply) =>
        reply.status(201).send(await jits.postMessage(req.ctx, req.params.jitId, req.body.text, req.body)),
    );

    app.post(
      '/jits/:jitId/tasks',
      {
        schema: {
          tags,
          summary: 'Add a task to the shared space, optionally for one party and with a due date',
          description: ENDED,
          params: JitParams,
          body: NewTask,
          response: responses({ 201: entry }, 401, 403, 404, 409),
        },
      },
      async (req, reply) => reply.status(201).send(await jits.addTask(req.ctx, req.params.jitId, req.body)),
    );

    app.post(
      '/jits/:jitId/tasks/:taskId/done',
      {
        schema: {
          tags,
          summary: 'Mark a task of the shared space done',
          description: `${ENDED} Refused with 409 jit_task_done when it is done already.`,
          params: TaskParams,
          response: responses({ 201: entry }, 401, 403, 404, 409),
        },
      },
      async (req, reply) =>
        reply.status(201).send(await jits.completeTask(req.ctx, req.params.jitId, req.params.taskId)),
    );

    app.post(
      '/jits/:jitId/evidence',
      {
        schema: {
          tags,
          summary: 'Send evidence items to a party as a custody transfer; every party sees who shared what',
          description: ENDED,
          params: JitParams,
          body: EvidenceBody,
          response: responses({ 201: entry }, 401, 403, 404, 409, 503),
        },
      },
      async (req, reply) => reply.status(201).send(await jits.shareEvidence(req.ctx, req.params.jitId, req.body)),
    );
  };
