/**
 * The federation API as the web app sees it: this node's identity, its trust list of peer nodes, and the messages it
 * exchanged with them. Only node administrators may use it.
 */
import type { FederationMessage, PingResult } from '../../../modules/federation/messages.schema.ts';
import type { NodeIdentity, Peer } from '../../../modules/federation/peers.schema.ts';
import { MESSAGE_REJECTIONS } from '../../../shared/federation.ts';
import { ApiError, request } from '../../api.ts';

/**
 * A message as the history shows it (its digest, not its body), and how a ping ended: the peer's signed receipt
 * accepted or rejected it, or no valid receipt came back and the message waits in the outbox for another attempt
 * (`queued`), or the node has given up on it (`dead`).
 */
export type { FederationMessage, NodeIdentity, Peer, PingResult };

/**
 * Why a message was refused or did not arrive: the receiving inbox's rejections, and why this node's attempt to
 * deliver it failed. The page has words for each; any other reason is shown as the node gave it.
 */
export const MESSAGE_REASONS = [
  ...MESSAGE_REJECTIONS,
  'peer_unreachable',
  'receipt_invalid',
  'peer_unknown',
  'peer_suspended',
] as const;
export type MessageReason = (typeof MESSAGE_REASONS)[number];

export const isMessageReason = (reason: string | null): reason is MessageReason =>
  MESSAGE_REASONS.some((known) => known === reason);

/**
 * The mistakes in adding a peer that the page explains, each beside the field to check: the node's error ids, and
 * those the form finds before asking it (`url_missing`, `url_invalid`, `fingerprint_missing`).
 */
export const PEER_ERRORS = {
  peer_fingerprint_invalid: 'fingerprint',
  peer_fingerprint_mismatch: 'fingerprint',
  peer_is_self: 'url',
  peer_exists: 'url',
  peer_unreachable: 'url',
  peer_document_invalid: 'url',
  url_invalid: 'url',
  url_missing: 'url',
  fingerprint_missing: 'fingerprint',
} as const;
export type PeerErrorId = keyof typeof PEER_ERRORS;
export type PeerField = (typeof PEER_ERRORS)[PeerErrorId];

/** The explained error of a refused addition, or null for one the page shows as a general error. */
export function peerErrorOf(error: unknown): PeerErrorId | null {
  if (!(error instanceof ApiError)) return null;
  if (Object.hasOwn(PEER_ERRORS, error.id)) return error.id as PeerErrorId;
  // The schema's checks name the value at fault (`/fingerprint`); past them, the URL is all the node refuses so.
  if (error.id === 'invalid_request') {
    const problems = Array.isArray(error.details) ? (error.details as { path?: unknown }[]) : [];
    return problems.some((problem) => problem.path === '/fingerprint') ? 'peer_fingerprint_invalid' : 'url_invalid';
  }
  return null;
}

/** What a fingerprint looks like (`SHA256:` and 43 characters of unpadded base64), as the node checks it. */
export const FINGERPRINT_PATTERN = /^SHA256:[A-Za-z0-9+/]{43}$/;

const peerPath = (nodeId: string, rest = '') => `/api/peers/${encodeURIComponent(nodeId)}${rest}`;

/** The most messages the history shows at once: the latest ones. */
export const HISTORY_LIMIT = 50;

export const peersApi = {
  identity: () => request<NodeIdentity>('GET', '/api/node/identity'),
  list: () => request<Peer[]>('GET', '/api/peers'),
  add: (peer: { url: string; fingerprint: string }) => request<Peer>('POST', '/api/peers', peer),
  suspend: (nodeId: string) => request<Peer>('POST', peerPath(nodeId, '/suspend')),
  activate: (nodeId: string) => request<Peer>('POST', peerPath(nodeId, '/activate')),
  remove: (nodeId: string) => request<void>('DELETE', peerPath(nodeId)),
  ping: (nodeId: string) => request<PingResult>('POST', peerPath(nodeId, '/ping')),
  async messages(peer: string | null): Promise<FederationMessage[]> {
    const params = new URLSearchParams({ limit: String(HISTORY_LIMIT) });
    if (peer) params.set('peer', peer);
    return (await request<{ messages: FederationMessage[] }>('GET', `/api/federation/messages?${params}`)).messages;
  },
  async caseMessages(caseId: string): Promise<FederationMessage[]> {
    const path = `/api/cases/${encodeURIComponent(caseId)}/messages`;
    return (await request<{ messages: FederationMessage[] }>('GET', path)).messages;
  },
};
