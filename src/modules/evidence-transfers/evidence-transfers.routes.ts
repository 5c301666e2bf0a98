import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { responses } from '../../app/schemas.ts';
import type { Services } from '../../app/services.ts';
import {
  AcceptBody,
  DecideBody,
  DeclineBody,
  EvidenceTransfer,
  EvidenceTransferDetail,
  ItemParams,
  ListQuery,
  NewPermissionRequest,
  NewTransfer,
  PermissionListQuery,
  PermissionRequest,
  ReadQuery,
  RequestParams,
  TransferParams,
} from './evidence-transfers.schema.ts';

export const transferSchemas = [EvidenceTransfer, EvidenceTransferDetail, PermissionRequest];

const HANDLING =
  '403 handling_no_forwarding for an item received from another node under H2 whose provider has not allowed ' +
  'passing it on (docs/federation.md).';

export const transfersRoutes =
  ({ transfers }: Services): FastifyPluginAsyncTypebox =>
  async (app) => {
    const tags = ['evidence transfers'];
    const detail = Type.Ref('EvidenceTransferDetail');
    const permission = Type.Ref('EvidencePermissionRequest');

    app.post(
      '/evidence/transfers',
      {
        schema: {
          tags,
          summary: 'Send evidence items of this node to a peer node as a custody transfer',
          description:
            'The items go with their custody events, inclusion proofs and this node’s signed checkpoint; each gets ' +
            'a "transferred" custody event. You must be allowed to download each item for an investigation. ' +
            `${HANDLING} 413 transfer_too_large when the items do not fit in one message (1 MiB, content in base64).`,
          body: NewTransfer,
          response: responses({ 201: Type.Object({ transferId: Type.String() }) }, 401, 403, 404, 409, 413),
        },
      },
      async (req, reply) => {
        const { to, itemIds, ref } = req.body;
        const sent = await transfers.send(req.ctx, { to, itemIds, context: { kind: 'case', ref } });
        return reply.status(201).send(sent);
      },
    );

    app.get(
      '/evidence/transfers',
      {
        schema: {
          tags,
          summary: 'Transfers sent and received, newest first (without what they say of their items)',
          querystring: ListQuery,
          response: responses({ 200: Type.Object({ transfers: Type.Array(Type.Ref('EvidenceTransfer')) }) }, 401, 403),
        },
      },
      async (req) => ({ transfers: await transfers.list(req.ctx, req.query) }),
    );

    app.get(
      '/evidence/transfers/:transferId',
      {
        schema: {
          tags,
          summary: 'A transfer with its items’ descriptions, handling codes and custody, read for a stated purpose',
          params: TransferParams,
          querystring: ReadQuery,
          response: responses({ 200: detail }, 401, 403, 404),
        },
      },
      (req) => transfers.get(req.ctx, req.params.transferId, req.query.purpose),
    );

    app.post(
      '/evidence/transfers/:transferId/accept',
      {
        schema: {
          tags,
          summary: 'Verify an inbound transfer and add its items to a case',
          description:
            'Verifies the sender’s signed checkpoint with the sender’s key, each custody event’s inclusion proof, ' +
            'that the events are about each item and its SHA-256, and each content’s SHA-256. 422 ' +
            'transfer_unverified (details.problems says what failed) leaves the transfer pending. On success the ' +
            'items join the case with their origin and handling code, each with a "received" custody event, and ' +
            'the sender is told. 409 transfer_decided when it is no longer pending.',
          params: TransferParams,
          body: AcceptBody,
          response: responses({ 200: detail }, 401, 403, 404, 409, 422),
        },
      },
      (req) => transfers.accept(req.ctx, req.params.transferId, req.body),
    );

    app.post(
      '/evidence/transfers/:transferId/decline',
      {
        schema: {
          tags,
          summary: 'Decline an inbound transfer; its content is dropped and the sender told why',
          params: TransferParams,
          body: DeclineBody,
          response: responses({ 200: detail }, 401, 403, 404, 409),
        },
      },
      (req) => transfers.decline(req.ctx, req.params.transferId, req.body),
    );

    app.post(
      '/evidence/:evidenceId/permission-requests',
      {
        schema: {
          tags,
          summary: 'Ask the provider of a received item for permission to use it beyond its handling code',
          description:
            'purpose court: to put an H1 or H2 item in an evidence package; forwarding: to send an H2 item on. 409 ' +
            'evidence_not_received for an item that did not come from another node, permission_not_needed when ' +
            'its handling code allows the purpose.',
          params: ItemParams,
          body: NewPermissionRequest,
          response: responses({ 201: permission }, 401, 403, 404, 409),
        },
      },
      async (req, reply) =>
        reply.status(201).send(await transfers.permissions.request(req.ctx, req.params.evidenceId, req.body)),
    );

    app.get(
      '/evidence/permission-requests',
      {
        schema: {
          tags,
          summary: 'Permission requests made here (out) and of this node (in), about items of your agencies’ cases',
          querystring: PermissionListQuery,
          response: responses({ 200: Type.Object({ requests: Type.Array(permission) }) }, 401, 403),
        },
      },
      async (req) => ({ requests: await transfers.permissions.list(req.ctx, req.query) }),
    );

    app.post(
      '/evidence/permission-requests/:requestId/decide',
      {
        schema: {
          tags,
          summary: 'Grant or refuse a peer’s request about an item this node provided; the answer goes back to it',
          params: RequestParams,
          body: DecideBody,
          response: responses({ 200: permission }, 401, 403, 404, 409),
        },
      },
      (req) => transfers.permissions.decide(req.ctx, req.params.requestId, req.body),
    );
  };
