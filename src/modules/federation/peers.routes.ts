import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { NoContent, responses } from '../../app/schemas.ts';
import type { Services } from '../../app/services.ts';
import { NODE_DOCUMENT_PATH } from './node-document.ts';
import { NewPeer, NodeDocument, NodeIdentity, Peer, PeerEntry, PeerParams } from './peers.schema.ts';

export const peerSchemas = [Peer];

/** The node's public document, for other nodes: no session. */
export const nodeDocumentRoutes =
  ({ peers }: Services): FastifyPluginAsyncTypebox =>
  async (app) => {
    app.get(
      NODE_DOCUMENT_PATH,
      {
        config: { access: 'public' },
        schema: {
          tags: ['federation'],
          summary: "This node's id, name, country, public signing keys and federation endpoints",
          response: responses({ 200: NodeDocument }),
        },
      },
      () => peers.document(),
    );
  };

/** This node's identity and its trust list, for node administrators. */
export const peersRoutes =
  ({ peers }: Services): FastifyPluginAsyncTypebox =>
  async (app) => {
    const tags = ['federation'];
    const PeerRef = Type.Ref('Peer');

    app.get(
      '/node/identity',
      {
        schema: {
          tags,
          summary: "This node's id, name, country and key fingerprint, to read out to another node's administrator",
          response: responses({ 200: NodeIdentity }, 401, 403),
        },
      },
      (request) => peers.identity(request.ctx),
    );

    app.get(
      '/peers/directory',
      {
        schema: {
          tags,
          summary: 'The active peers by id, name and country, for addressing referrals, MLA requests and JITs',
          response: responses({ 200: Type.Array(PeerEntry) }, 401, 403),
        },
      },
      (request) => peers.directory(request.ctx),
    );

    app.get(
      '/peers',
      {
        schema: {
          tags,
          summary: 'The peers of this node',
          response: responses({ 200: Type.Array(PeerRef) }, 401, 403),
        },
      },
      (request) => peers.list(request.ctx),
    );

    app.post(
      '/peers',
      {
        schema: {
          tags,
          summary: 'Add a peer by its URL and the fingerprint of its key, checked with its administrator out of band',
          description:
            'Fetches <url>/.well-known/passage-node and adds the node only when one of its keys has the fingerprint.',
          body: NewPeer,
          response: responses({ 201: PeerRef }, 401, 403, 409, 502),
        },
      },
      async (request, reply) => reply.status(201).send(await peers.add(request.ctx, request.body)),
    );

    app.post(
      '/peers/:nodeId/suspend',
      {
        schema: {
          tags,
          summary: 'Suspend a peer: its messages are refused until it is activated again',
          params: PeerParams,
          response: responses({ 200: PeerRef }, 401, 403, 404),
        },
      },
      (request) => peers.suspend(request.ctx, request.params.nodeId),
    );

    app.post(
      '/peers/:nodeId/activate',
      {
        schema: {
          tags,
          summary: 'Activate a suspended peer again',
          params: PeerParams,
          response: responses({ 200: PeerRef }, 401, 403, 404),
        },
      },
      (request) => peers.activate(request.ctx, request.params.nodeId),
    );

    app.delete(
      '/peers/:nodeId',
      {
        schema: {
          tags,
          summary: 'Remove a peer from the trust list',
          params: PeerParams,
          response: responses({ 204: NoContent }, 401, 403, 404),
        },
      },
      async (request, reply) => {
        await peers.remove(request.ctx, request.params.nodeId);
        return reply.status(204).send(null);
      },
    );
  };
