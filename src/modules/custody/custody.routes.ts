import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { responses } from '../../app/schemas.ts';
import type { Services } from '../../app/services.ts';
import {
  ConsistencyProof,
  ConsistencyQuery,
  CustodyCheckpoint,
  CustodyEntry,
  EntryParams,
  InclusionProof,
  InclusionQuery,
} from './custody.schema.ts';

export const custodySchemas = [CustodyCheckpoint];

export const custodyRoutes =
  ({ custody }: Services): FastifyPluginAsyncTypebox =>
  async (app) => {
    const tags = ['custody'];

    app.get(
      '/custody/checkpoint',
      {
        schema: {
          tags,
          summary: 'The latest signed checkpoint of the custody log',
          description: 'Signs a new checkpoint first when the log has grown since the last one.',
          response: responses({ 200: Type.Ref('CustodyCheckpoint') }, 401, 403),
        },
      },
      (request) => custody.readCheckpoint(request.ctx),
    );

    app.get(
      '/custody/proofs/inclusion',
      {
        schema: {
          tags,
          summary: 'Inclusion proof of an entry, with the signed checkpoint it proves against',
          querystring: InclusionQuery,
          response: responses({ 200: InclusionProof }, 401, 403),
        },
      },
      (request) => custody.proveInclusion(request.ctx, request.query.index, request.query.size),
    );

    app.get(
      '/custody/proofs/consistency',
      {
        schema: {
          tags,
          summary: 'Consistency proof between two sizes of the log, with both signed checkpoints',
          querystring: ConsistencyQuery,
          response: responses({ 200: ConsistencyProof }, 401, 403),
        },
      },
      (request) => custody.proveConsistency(request.ctx, request.query.old, request.query.new),
    );

    app.get(
      '/custody/entries/:index',
      {
        schema: {
          tags,
          summary: 'One entry of the custody log and its leaf hash',
          params: EntryParams,
          response: responses({ 200: CustodyEntry }, 401, 403, 404),
        },
      },
      (request) => custody.readEntry(request.ctx, request.params.index),
    );
  };
