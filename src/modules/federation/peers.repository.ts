import type { Queryable } from '../../db/client.ts';
import type { EncryptionJwk } from '../../lib/encryption-key.ts';
import type { SigningJwk } from './node-document.ts';

/** SQL of the trust list (migration 0007). */

export type PeerStatus = 'active' | 'suspended';

export interface PeerRecord {
  nodeId: string;
  name: string;
  country: string;
  baseUrl: string;
  inboxUrl: string;
  fingerprint: string;
  keys: SigningJwk[];
  /** The X25519 key referrals are encrypted to; null for a peer added before its node published one. */
  encryptionKey: EncryptionJwk | null;
  status: PeerStatus;
  addedAt: string;
  addedBy: string;
  statusChangedAt: string | null;
}

interface PeerRow {
  node_id: string;
  name: string;
  country: string;
  base_url: string;
  inbox_url: string;
  fingerprint: string;
  keys: SigningJwk[];
  encryption_key: EncryptionJwk | null;
  status: PeerStatus;
  added_at: Date;
  added_by: string;
  status_changed_at: Date | null;
}

const toPeer = (r: PeerRow): PeerRecord => ({
  nodeId: r.node_id,
  name: r.name,
  country: r.country,
  baseUrl: r.base_url,
  inboxUrl: r.inbox_url,
  fingerprint: r.fingerprint,
  keys: r.keys,
  encryptionKey: r.encryption_key,
  status: r.status,
  addedAt: r.added_at.toISOString(),
  addedBy: r.added_by,
  statusChangedAt: r.status_changed_at ? r.status_changed_at.toISOString() : null,
});

const COLUMNS =
  'node_id, name, country, base_url, inbox_url, fingerprint, keys, encryption_key, status, added_at, added_by, status_changed_at';

/** Inserts a peer; null when a peer with its node id is already there. */
export async function insertPeer(
  q: Queryable,
  peer: Omit<PeerRecord, 'status' | 'addedAt' | 'statusChangedAt'>,
): Promise<PeerRecord | null> {
  const [row] = await q.query<PeerRow>(
    `insert into peers (node_id, name, country, base_url, inbox_url, fingerprint, keys, added_by, encryption_key)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     on conflict (node_id) do nothing
     returning ${COLUMNS}`,
    [
      peer.nodeId,
      peer.name,
      peer.country,
      peer.baseUrl,
      peer.inboxUrl,
      peer.fingerprint,
      JSON.stringify(peer.keys),
      peer.addedBy,
      peer.encryptionKey ? JSON.stringify(peer.encryptionKey) : null,
    ],
  );
  return row ? toPeer(row) : null;
}

export async function findPeer(q: Queryable, nodeId: string): Promise<PeerRecord | null> {
  const [row] = await q.query<PeerRow>(`select ${COLUMNS} from peers where node_id = $1`, [nodeId]);
  return row ? toPeer(row) : null;
}

export async function listPeers(q: Queryable): Promise<PeerRecord[]> {
  const rows = await q.query<PeerRow>(`select ${COLUMNS} from peers order by node_id`);
  return rows.map(toPeer);
}

/** Sets the status when it differs; null when there is no such peer or it already had that status. */
export async function setPeerStatus(q: Queryable, nodeId: string, status: PeerStatus): Promise<PeerRecord | null> {
  const [row] = await q.query<PeerRow>(
    `update peers set status = $2, status_changed_at = now()
      where node_id = $1 and status <> $2
      returning ${COLUMNS}`,
    [nodeId, status],
  );
  return row ? toPeer(row) : null;
}

export async function deletePeer(q: Queryable, nodeId: string): Promise<boolean> {
  const rows = await q.query(`delete from peers where node_id = $1 returning node_id`, [nodeId]);
  return rows.length > 0;
}

/** Replaces a peer's keys and encryption key after it rotated its signing key (`PeersService.refresh`). */
export async function updatePeerKeys(
  q: Queryable,
  nodeId: string,
  keys: SigningJwk[],
  encryptionKey: EncryptionJwk | null,
): Promise<boolean> {
  const rows = await q.query(`update peers set keys = $2, encryption_key = $3 where node_id = $1 returning node_id`, [
    nodeId,
    JSON.stringify(keys),
    encryptionKey ? JSON.stringify(encryptionKey) : null,
  ]);
  return rows.length > 0;
}
