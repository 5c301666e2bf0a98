import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Services } from '../../app/services.ts';

/** A message is small: bodies carry references and fields, never files (evidence travels apart). */
const MAX_MESSAGE_BYTES = 1024 * 1024;
const INBOX_PER_MINUTE = 6000;
const jose = Type.String({ description: 'A compact JWS (docs/federation.md)' });
const receipt = (description: string) =>
  ({ description, content: { 'application/jose': { schema: jose } } }) as unknown as typeof jose;
/** A refusal is a receipt; a request the inbox cannot take at all (not JOSE, too large) gets the API's error shape. */
const refused = {
  description: 'Rejected: the signed receipt with its reason, or the error shape for a request that is not a message',
  content: { 'application/jose': { schema: jose }, 'application/json': { schema: Type.Ref('ErrorResponse') } },
} as unknown as typeof jose;

/**
 * The federation inbox: no session, since a message proves its sender by its signature. Every answer's body is a
 * receipt signed by this node, whether it took the message or not.
 */
export const inboxRoutes =
  ({ messages }: Services): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.addContentTypeParser(
      'application/jose',
      { parseAs: 'string', bodyLimit: MAX_MESSAGE_BYTES },
      (_r, body, done) => done(null, body),
    );
    app.post(
      '/federation/v1/inbox',
      {
        // Above the API's limit (a peer sends in bursts), below what would let one address flood the node.
        config: { access: 'public', rateLimit: { max: INBOX_PER_MINUTE, timeWindow: '1 minute' } },
        schema: {
          tags: ['federation'],
          summary: 'Receive a signed message from a peer node; answers with a signed receipt',
          description:
            'The body is the message as a compact JWS (Content-Type: application/jose). The answer is always a ' +
            'receipt signed by this node: 200 accepted, or the status of the rejection (400 message_malformed, ' +
            'clock_skew, type_unknown; 401 sender_unknown, signature_invalid; 403 sender_suspended, ' +
            'message_refused; 409 message_replayed; 421 recipient_wrong; 422 body_invalid). More than ' +
            `${INBOX_PER_MINUTE} messages a minute from one address are answered 429 without a receipt.`,
          body: jose,
          response: {
            200: receipt('Accepted: the receipt'),
            400: refused,
            401: refused,
            403: refused,
            409: refused,
            413: refused,
            415: refused,
            421: refused,
            422: refused,
            429: Type.Ref('ErrorResponse'),
            500: Type.Ref('ErrorResponse'),
          },
        },
      },
      async (request, reply) => {
        const answer = await messages.receive(request.body);
        if (answer.outcome.status === 'rejected') {
          request.log.warn({ reason: answer.outcome.reason, from: answer.outcome.to }, 'federation message rejected');
        }
        return reply.status(answer.status).type('application/jose').send(answer.receipt);
      },
    );
  };
