import { createPublicKey, type KeyObject } from 'node:crypto';
import type { Db, Queryable } from '../../db/client.ts';
import type { EncryptionJwk } from '../../lib/encryption-key.ts';
import { AppError, invalid, notFound } from '../../lib/errors.ts';
import { isKeyFingerprint, keyFingerprint } from '../../lib/key-fingerprint.ts';
import { loggableMessage } from '../../lib/loggable-error.ts';
import { actorRef } from '../../shared/policy.ts';
import type { AuditService, RequestContext } from '../audit/index.ts';
import { isLive, toKey, trustDocumentKeys } from './key-endorsement.ts';
import {
  NODE_ID_PATTERN,
  type NodeDocument,
  nodeDocument,
  type RetiredSigningKey,
  type SigningJwk,
} from './node-document.ts';
import { fetchNodeDocument, invalidDocument } from './node-document-fetch.ts';
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
  /** Only the keys live now: a retired key past its `exp` (seconds) is left out. */
  keys: { kid: string; publicKey: KeyObject; exp?: number }[];
  /** The X25519 key referrals are encrypted to; null for a peer added before its node published one. */
  encryptionKey: EncryptionJwk | null;
}

/** A peer as the modules that address it see it: whether it takes messages now, and what to seal to it. */
export type PeerContact = Pick<repo.PeerRecord, 'nodeId' | 'name' | 'country' | 'status' | 'encryptionKey'>;

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

/** A peer's document is fetched again for an unknown key at most this often. */
const REFRESH_INTERVAL_MS = 60_000;

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
  /** When each peer's document was last fetched for an unknown key, and the fetch under way. */
  readonly #refreshed = new Map<string, { at: number; done: Promise<boolean> }>();

  constructor(
    db: Db,
    audit: AuditService,
    self: {
      nodeId: string;
      name: string;
      country: string | null;
      signingKey: KeyObject;
      retired?: readonly RetiredSigningKey[];
    },
  ) {
    this.#db = db;
    this.#audit = audit;
    this.#document = nodeDocument(self);
    this.fingerprint = keyFingerprint(createPublicKey(self.signingKey));
  }

  /** This node's public document, served at `/.well-known/passage-node` to anyone. */
  document(now = new Date()): NodeDocument {
    const { keys, keyEndorsements, ...rest } = this.#document;
    const live = keys.map((key, i) => ({ key, endorsement: i > 0 ? keyEndorsements?.[i - 1] : undefined }));
    const published = live.filter(({ key }) => isLive(key, now));
    const endorsements = published.flatMap(({ endorsement }) => (endorsement ? [endorsement] : []));
    return {
      ...rest,
      keys: published.map(({ key }) => key),
      ...(endorsements.length > 0 ? { keyEndorsements: endorsements } : {}),
    };
  }

  async identity(ctx: RequestContext): Promise<NodeIdentity> {
    await this.#audit.authorize(ctx, 'peer.read');
    const { nodeId, name, country } = this.#document;
    return { nodeId, name, country, fingerprint: this.fingerprint };
  }

  /** The active peers by id, name and country: whom a referral, MLA request or JIT can be addressed to. */
  async directory(ctx: RequestContext): Promise<PeerEntry[]> {
    await this.#audit.authorize(ctx, 'peer.directory');
    const entries = (await repo.listPeers(this.#db))
      .filter((peer) => peer.status === 'active')
      .map(({ nodeId, name, country }) => ({ nodeId, name, country }));
    // Whom this node works with is protected: each read is recorded with the peers it showed (issue 14, item 4).
    await this.#audit.recordRead(ctx, { action: 'peer.directory', resources: entries.map((p) => `peer:${p.nodeId}`) });
    return entries;
  }

  async list(ctx: RequestContext): Promise<PeerView[]> {
    await this.#audit.authorize(ctx, 'peer.read');
    const peers = (await repo.listPeers(this.#db)).map(presentPeer);
    await this.#audit.recordRead(ctx, { action: 'peer.list', resources: peers.map((p) => `peer:${p.nodeId}`) });
    return peers;
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
      // The keys the node published are not named: an administrator shown them would be tempted to copy one, which
      // trusts whoever answers at the URL and defeats the check. Only the administrator of the other node can say.
      throw new AppError(
        'peer_fingerprint_mismatch',
        400,
        `The node at ${baseUrl} (${document.nodeId}) has no key with the fingerprint ${fingerprint}. Nothing was ` +
          "added. Check the fingerprint with that node's administrator out of band (in person or by telephone, not " +
          'through this address): someone else may be answering at it.',
      );
    }
    const checked = document.keys.find((key) => key.kid === fingerprint) as SigningJwk;
    // A key the node retired still names it: the keys it endorsed since are the node's too.
    const trusted = await trustDocumentKeys(document, [checked], new Date());
    if (!trusted) {
      throw invalidDocument(baseUrl, 'its current key is not endorsed by the key with this fingerprint');
    }
    if (document.encryptionKey && !trusted.encryptionKeySignedBy) {
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
        // Only the key checked out of band and those it endorsed: another key in the document could be anyone's.
        keys: trusted.keys,
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
  async find(nodeId: string, now = new Date()): Promise<Peer | null> {
    const peer = await this.#cached(nodeId);
    return peer && { ...peer, keys: peer.keys.filter((key) => isLive(key, now)) };
  }

  /**
   * For the modules that address a peer (referrals, MLA requests, JITs, linkage groups): the peer as the trust list
   * holds it, without a policy check, read through `q`, the caller's transaction when it has one open (on PGlite a
   * transaction holds the only connection).
   */
  async contact(q: Queryable, nodeId: string): Promise<PeerContact | null> {
    const peer = await repo.findPeer(q, nodeId);
    return peer && pickContact(peer);
  }

  /** The peer something is about to be sent to, read through `q`: refused unless it is a peer and active. */
  async recipient(q: Queryable, nodeId: string): Promise<PeerContact> {
    const peer = await this.contact(q, nodeId);
    if (!peer) throw new AppError('peer_unknown', 400, `${nodeId} is not a peer of this node.`);
    if (peer.status !== 'active') throw new AppError('peer_suspended', 409, `Exchanges with ${nodeId} are suspended.`);
    return peer;
  }

  /**
   * Fetches the peer's document again, for a message or receipt signed with a key this node does not know: the peer
   * may have rotated its key. A new key is taken only when a key trusted here endorsed it (key-endorsement.ts); a
   * document whose current key is not endorsed changes nothing and is recorded as a failure. At most once a minute
   * per peer; resolves to whether the peer's keys changed. Call it outside any open transaction.
   */
  refresh(nodeId: string, now = new Date()): Promise<boolean> {
    const last = this.#refreshed.get(nodeId);
    if (last && now.getTime() - last.at < REFRESH_INTERVAL_MS) return last.done;
    const done = this.#refetch(nodeId, now).catch((error: unknown) => {
      console.error(
        `passage: federation: the document of ${nodeId} could not be fetched again: ${describeError(error)}`,
      );
      return false;
    });
    this.#refreshed.set(nodeId, { at: now.getTime(), done });
    return done;
  }

  async #refetch(nodeId: string, now: Date): Promise<boolean> {
    const peer = await repo.findPeer(this.#db, nodeId);
    if (!peer) return false;
    const document = await fetchNodeDocument(peer.baseUrl);
    const trusted = document.nodeId === nodeId ? await trustDocumentKeys(document, peer.keys, now) : null;
    if (!trusted) {
      await this.#db.transaction((tx) =>
        this.#audit.record(tx, SYSTEM, { action: 'peer.refresh', resource: `peer:${nodeId}`, outcome: 'failure' }),
      );
      return false;
    }
    const encryptionKey = trusted.encryptionKeySignedBy ? document.encryptionKey : peer.encryptionKey;
    // By kid and exp: the stored JSON may come back with its members in another order.
    const names = (keys: SigningJwk[]) => keys.map((key) => `${key.kid} ${key.exp ?? ''}`).join();
    if (names(trusted.keys) === names(peer.keys) && encryptionKey?.kid === peer.encryptionKey?.kid) return false;
    return this.#changing(async (tx) => {
      if (!(await repo.updatePeerKeys(tx, nodeId, trusted.keys, encryptionKey))) return false;
      await this.#audit.record(tx, SYSTEM, { action: 'peer.refresh', resource: `peer:${nodeId}`, outcome: 'success' });
      return true;
    });
  }

  #cached(nodeId: string): Promise<Peer | null> {
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
      keys: peer.keys.map((jwk) => ({
        kid: jwk.kid,
        publicKey: toKey(jwk),
        ...(jwk.exp === undefined ? {} : { exp: jwk.exp }),
      })),
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

const pickContact = ({ nodeId, name, country, status, encryptionKey }: repo.PeerRecord): PeerContact => ({
  nodeId,
  name,
  country,
  status,
  encryptionKey,
});

/** Who refreshes a peer's keys: the node itself, on a message or receipt signed with a key it does not know. */
const SYSTEM: RequestContext = { actor: { kind: 'operator', name: 'federation' }, requestId: null };

const describeError = (error: unknown) => (error instanceof Error ? loggableMessage(error) : 'unknown error');

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
