import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { responses } from '../../app/schemas.ts';
import type { Services } from '../../app/services.ts';
import { CaseParams } from '../cases/index.ts';
import { FederationMessage, PingResult } from './messages.schema.ts';
import { messageSha256 } from './messages.ts';

const NodeId = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,62}$' });
export const messagesSchemas = [FederationMessage];

/** A message as the API shows it: the SHA-256 of what was signed in place of the JWS, whose body may concern a case. */
const withoutBodies = <T extends { jws: string }>(rows: T[]) =>
  rows.map(({ jws, ...row }) => ({ ...row, messageSha256: messageSha256(jws) }));

export const messagesRoutes =
  ({ messages }: Services): FastifyPluginAsyncTypebox =>
  async (app) => {
    const tags = ['federation'];

    app.get(
      '/federation/messages',
      {
        schema: {
          tags,
          summary: 'Messages exchanged with peer nodes, newest first, each with its signed receipt (not their bodies)',
          querystring: Type.Object({
            peer: Type.Optional(NodeId),
            conversationId: Type.Optional(Type.String({ maxLength: 26 })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
          }),
          response: responses({ 200: Type.Object({ messages: Type.Array(Type.Ref('FederationMessage')) }) }, 401, 403),
        },
      },
      async (request) => ({ messages: withoutBodies(await messages.history(request.ctx, request.query)) }),
    );

    app.get(
      '/cases/:caseId/messages',
      {
        schema: {
          tags,
          summary: 'The messages exchanged with peer nodes about a case, newest first, with their signed receipts',
          description:
            'The conversations of the case’s cross-border referrals and transfers, the MLA requests it issued and the ' +
            'evidence transfers accepted into it (at most 200 messages), for whoever may read the case; of each ' +
            'message only its SHA-256, not its body.',
          params: CaseParams,
          response: responses(
            { 200: Type.Object({ messages: Type.Array(Type.Ref('FederationMessage')) }) },
            401,
            403,
            404,
          ),
        },
      },
      async (request) => ({
        messages: withoutBodies(await messages.ofCase(request.ctx, request.params.caseId)),
      }),
    );

    app.post(
      '/peers/:nodeId/ping',
      {
        schema: {
          tags,
          summary: 'Send a passage.ping to a peer: does it reach this node’s message and trust its key?',
          description:
            'Answers with the outcome the peer’s signed receipt gives (accepted, or rejected with its reason), or ' +
            'queued with peer_unreachable / receipt_invalid when the attempt failed (the outbox tries again later), ' +
            'and the round trip in milliseconds. The message and receipt are kept in the message history.',
          params: Type.Object({ nodeId: NodeId }),
          response: responses({ 200: PingResult }, 401, 403, 404, 409),
        },
      },
      async (request) => {
        const result = await messages.ping(request.ctx, request.params.nodeId);
        return {
          messageId: result.message.id,
          status: result.status,
          reason: result.reason,
          roundTripMs: result.roundTripMs,
        };
      },
    );
  };
