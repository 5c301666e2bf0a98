import { createPublicKey, type KeyObject } from 'node:crypto';
import { AppError, invalid, notFound } from '../../app/errors.ts';
import type { Db, Queryable } from '../../db/client.ts';
import { type EncryptionJwk, encryptionKeySigned } from '../../lib/encryption-key.ts';
import { isKeyFingerprint, keyFingerprint } from '../../lib/key-fingerprint.ts';
import type { AuditService, RequestContext } from '../audit/audit.service.ts';
import { actorRef } from '../policy/policy.ts';
import {
  NODE_DOCUMENT_PATH,
  NODE_ID_PATTERN,
  type NodeDocument,
  NodeDocumentError,
  nodeDocument,
  type PeerDocument,
  parseNodeDocument,
  type SigningJwk,
} from './node-document.ts';
import * as repo from './peers.repository.ts';

/** A peer as the message layer needs it: where to deliver, and the keys its messages must be signed with. */
export interface Peer {
  nodeId: string;
  name: string;
  country: string;
  baseUrl: string;
  inboxUrl: string;
  fingerprint: string;
  status: repo.PeerStatus;
  keys: { kid: string; publicKey: KeyObject }[];
  /** The X25519 key referrals are encrypted to; null for a peer added before its node published one. */
  encryptionKey: EncryptionJwk | null;
}

/** A peer as the API and the console show it. */
export type PeerEntry = Pick<PeerView, 'nodeId' | 'name' | 'country'>;

export interface PeerView {
  nodeId: string;
  name: string;
  country: string;
  baseUrl: string;
  inboxUrl: string;
  fingerprint: string;
  /** The fingerprints of the keys the peer published. */
  keyIds: string[];
  status: repo.PeerStatus;
  addedAt: string;
  addedBy: string;
  statusChangedAt: string | null;
}

/** What this node's administrator reads out to another node's administrator. */
export interface NodeIdentity {
  nodeId: string;
  name: string;
  country: string | null;
  fingerprint: string;
}

const FETCH_TIMEOUT_MS = 10_000;
const MAX_DOCUMENT_BYTES = 64 * 1024;

export const presentPeer = (peer: repo.PeerRecord): PeerView => ({
  nodeId: peer.nodeId,
  name: peer.name,
  country: peer.country,
  baseUrl: peer.baseUrl,
  inboxUrl: peer.inboxUrl,
  fingerprint: peer.fingerprint,
  keyIds: peer.keys.map((key) => key.kid),
  status: peer.status,
  addedAt: peer.addedAt,
  addedBy: peer.addedBy,
  statusChangedAt: peer.statusChangedAt,
});

/**
 * The node's trust list. An administrator adds a peer by its URL and the fingerprint of its key, obtained out of band
 * (read out over the phone, in a letter): the node fetches the peer's document and keeps it only when one of its keys
 * has that fingerprint, so that whoever answers at the URL cannot slip in a key of their own.
 */
export class PeersService {
  readonly fingerprint: string;
  readonly #db: Db;
  readonly #audit: AuditService;
  readonly #document: NodeDocument;

  readonly #known = new Map<string, Promise<Peer | null>>();

  constructor(
    db: Db,
    audit: AuditService,
    self: { nodeId: string; name: string; country: string | null; signingKey: KeyObject },
  ) {
    this.#db = db;
    this.#audit = audit;
    this.#document = nodeDocument(self);
    this.fingerprint = keyFingerprint(createPublicKey(self.signingKey));
  }

  /** This node's public document, served at `/.well-known/passage-node` to anyone. */
  document(): NodeDocument {
    return this.#document;
  }

  async identity(ctx: RequestContext): Promise<NodeIdentity> {
    await this.#audit.authorize(ctx, 'peer.read');
    const { nodeId, name, country } = this.#document;
    return { nodeId, name, country, fingerprint: this.fingerprint };
  }

  /** The active peers by id, name and country: whom a referral, MLA request or JIT can be addressed to. */
  async directory(ctx: RequestContext): Promise<PeerEntry[]> {
    await this.#audit.authorize(ctx, 'peer.directory');
    return (await repo.listPeers(this.#db))
      .filter((peer) => peer.status === 'active')
      .map(({ nodeId, name, country }) => ({ nodeId, name, country }));
  }

  async list(ctx: RequestContext): Promise<PeerView[]> {
    await this.#audit.authorize(ctx, 'peer.read');
    return (await repo.listPeers(this.#db)).map(presentPeer);
  }

  async add(ctx: RequestContext, input: { url: string; fingerprint: string }): Promise<PeerView> {
    await this.#audit.authorize(ctx, 'peer.manage');
    const baseUrl = normaliseBaseUrl(input.url);
    const fingerprint = input.fingerprint.trim();
    if (!isKeyFingerprint(fingerprint)) {
      throw new AppError(
        'peer_fingerprint_invalid',
        400,
        `"${fingerprint}" is not a key fingerprint: a fingerprint is SHA256: followed by 43 characters.`,
      );
    }
    const document = await fetchNodeDocument(baseUrl);
    if (document.nodeId === this.#document.nodeId) {
      throw new AppError('peer_is_self', 400, `${baseUrl} is this node (${document.nodeId}), not a peer.`);
    }
    if (!document.keys.some((key) => key.kid === fingerprint)) {
      // Someone else may be answering at that URL: worth a line in the audit trail.
      await this.#db.transaction((tx) =>
        this.#audit.record(tx, ctx, { action: 'peer.add', resource: `peer:${document.nodeId}`, outcome: 'failure' }),
      );
      throw new AppError(
        'peer_fingerprint_mismatch',
        400,
        `The node at ${baseUrl} (${document.nodeId}) has no key with the fingerprint ${fingerprint}; it published ` +
          `${document.keys.map((key) => key.kid).join(', ')}. Check the fingerprint with its administrator; nothing was added.`,
      );
    }
    const checked = document.keys.find((key) => key.kid === fingerprint) as SigningJwk;
    if (
      document.encryptionKey &&
      !encryptionKeySigned(
        document.nodeId,
        document.encryptionKey,
        document.encryptionKeySignature as string,
        createPublicKey({ key: { ...checked }, format: 'jwk' }),
      )
    ) {
      throw invalidDocument(baseUrl, 'its encryption key is not signed by the key with this fingerprint');
    }
    return this.#changing(async (tx) => {
      const added = await repo.insertPeer(tx, {
        nodeId: document.nodeId,
        name: document.name,
        country: document.country,
        baseUrl,
        inboxUrl: `${baseUrl}${document.endpoints.inbox}`,
        fingerprint,
        // Only the key checked out of band: another key in the document could be anyone's.
        keys: document.keys.filter((key) => key.kid === fingerprint),
        // Signed by the key checked out of band, so it is the node's too.
        encryptionKey: document.encryptionKey,
        addedBy: actorRef(ctx.actor),
      });
      if (!added) {
        throw new AppError(
          'peer_exists',
          409,
          `${document.nodeId} is already a peer. Remove it first to add it again.`,
        );
      }
      await this.#audit.record(tx, ctx, { action: 'peer.add', resource: `peer:${added.nodeId}`, outcome: 'success' });
      return presentPeer(added);
    });
  }

  /** Refuses the peer's messages until it is activated again; nothing else about it changes. */
  suspend(ctx: RequestContext, nodeId: string): Promise<PeerView> {
    return this.#setStatus(ctx, nodeId, 'suspended', 'peer.suspend');
  }

  activate(ctx: RequestContext, nodeId: string): Promise<PeerView> {
    return this.#setStatus(ctx, nodeId, 'active', 'peer.activate');
  }

  async remove(ctx: RequestContext, nodeId: string): Promise<void> {
    await this.#audit.authorize(ctx, 'peer.manage');
    await this.#changing(async (tx) => {
      if (!(await repo.deletePeer(tx, nodeId))) throw unknownPeer(nodeId);
      await this.#audit.record(tx, ctx, { action: 'peer.remove', resource: `peer:${nodeId}`, outcome: 'success' });
    });
  }

  /**
   * For the message layer: a peer and its keys, whatever its status, without a policy check. Kept in memory until
   * the peers change: every message names its sender or recipient, and the node is the only writer of its peers
   * (the CLI goes through the running node).
   */
  find(nodeId: string): Promise<Peer | null> {
    let found = this.#known.get(nodeId);
    if (!found) {
      found = this.#load(nodeId);
      // Only peers are kept: a sender's claimed id, before its signature is checked, could be anything.
      this.#known.set(nodeId, found);
      found.then(
        (peer) => peer ?? this.#known.delete(nodeId),
        () => this.#known.delete(nodeId),
      );
    }
    return found;
  }

  /** A change of the peers, in a transaction; what `find` keeps is dropped once it is committed (or failed). */
  async #changing<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    try {
      return await this.#db.transaction(work);
    } finally {
      this.#known.clear();
    }
  }

  async #load(nodeId: string): Promise<Peer | null> {
    const peer = await repo.findPeer(this.#db, nodeId);
    if (!peer) return null;
    return {
      nodeId: peer.nodeId,
      name: peer.name,
      country: peer.country,
      baseUrl: peer.baseUrl,
      inboxUrl: peer.inboxUrl,
      fingerprint: peer.fingerprint,
      status: peer.status,
      keys: peer.keys.map((jwk) => ({ kid: jwk.kid, publicKey: createPublicKey({ key: { ...jwk }, format: 'jwk' }) })),
      encryptionKey: peer.encryptionKey,
    };
  }

  async #setStatus(
    ctx: RequestContext,
    nodeId: string,
    status: repo.PeerStatus,
    action: 'peer.suspend' | 'peer.activate',
  ): Promise<PeerView> {
    await this.#audit.authorize(ctx, 'peer.manage');
    return this.#changing(async (tx) => {
      const changed = await repo.setPeerStatus(tx, nodeId, status);
      if (!changed) {
        // Already so: nothing to write or record.
        const peer = await repo.findPeer(tx, nodeId);
        if (!peer) throw unknownPeer(nodeId);
        return presentPeer(peer);
      }
      await this.#audit.record(tx, ctx, { action, resource: `peer:${nodeId}`, outcome: 'success' });
      return presentPeer(changed);
    });
  }
}

const unknownPeer = (nodeId: string) =>
  NODE_ID_PATTERN.test(nodeId) ? notFound(`The peer ${nodeId}`) : notFound('The peer');

/** The URL as the administrator gave it, reduced to scheme, host, port and path, without a trailing slash. */
export function normaliseBaseUrl(input: string): string {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    throw invalid(`"${input}" is not a URL. Give the peer's address, such as https://passage.example.org.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw invalid(`The peer's URL must begin with https:// (or http://), not ${url.protocol}//.`);
  }
  if (url.username || url.password || url.search || url.hash) {
    throw invalid("The peer's URL must not hold a user name, password, query or fragment.");
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

const unreachable = (baseUrl: string, why: string) =>
  new AppError('peer_unreachable', 502, `The node at ${baseUrl} could not be reached: ${why}.`);

const invalidDocument = (baseUrl: string, why: string) =>
  new AppError(
    'peer_document_invalid',
    502,
    `The node at ${baseUrl} published no valid ${NODE_DOCUMENT_PATH}: ${why}.`,
  );

/** Fetches and checks a node's document: at most 64 KiB within 10 seconds, and no redirect followed. */
async function fetchNodeDocument(baseUrl: string): Promise<PeerDocument> {
  let bytes: Uint8Array;
  try {
    const response = await fetch(`${baseUrl}${NODE_DOCUMENT_PATH}`, {
      headers: { accept: 'application/json' },
      redirect: 'manual',
      signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
    });
    if (response.status !== 200) {
      await response.body?.cancel();
      const location = response.headers.get('location');
      throw unreachable(
        baseUrl,
        location
          ? `it redirects to ${location}; add the peer by the URL it should be reached at`
          : `it answered HTTP ${response.status} for ${NODE_DOCUMENT_PATH}`,
      );
    }
    const body = await readAtMost(response, MAX_DOCUMENT_BYTES);
    if (!body) throw invalidDocument(baseUrl, 'it is larger than 64 KiB');
    bytes = body;
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw unreachable(baseUrl, describeFetchError(error));
  }
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw invalidDocument(baseUrl, 'it is not JSON');
  }
  try {
    return parseNodeDocument(value);
  } catch (error) {
    if (error instanceof NodeDocumentError) throw invalidDocument(baseUrl, error.message);
    throw error;
  }
}

/** The body, or null as soon as it proves longer than `limit` bytes (the rest is not read). */
async function readAtMost(response: Response, limit: number): Promise<Uint8Array | null> {
  if (Number(response.headers.get('content-length')) > limit) {
    await response.body?.cancel();
    return null;
  }
  const reader = response.body?.getReader();
  if (!reader) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return null;
    }
  }
  return Buffer.concat(chunks);
}

const CONNECTION_ERRORS: Record<string, string> = {
  ECONNREFUSED: 'the connection was refused',
  ECONNRESET: 'the connection was reset',
  ENOTFOUND: 'the host name is not known',
  EAI_AGAIN: 'the host name could not be looked up',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
  ETIMEDOUT: 'the connection timed out',
  UND_ERR_SOCKET: 'the connection closed unexpectedly',
};

/** Why a fetch failed, from the error's code: never a stack. */
function describeFetchError(error: unknown): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return `it did not answer within ${FETCH_TIMEOUT_MS / 1000} seconds`;
  }
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  if (code && CONNECTION_ERRORS[code]) return `${CONNECTION_ERRORS[code]} (${code})`;
  if (code && /CERT|TLS|SSL/.test(code)) return `its TLS certificate was not accepted (${code})`;
  if (code) return `the request failed (${code})`;
  return 'the request failed';
}
