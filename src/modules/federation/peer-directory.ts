import type { KeyObject } from 'node:crypto';

/** What the message layer needs to know of a peer (the peers service gives more). */
export interface KnownPeer {
  nodeId: string;
  status: 'active' | 'suspended';
  inboxUrl: string;
  keys: { kid: string; publicKey: KeyObject }[];
}

export interface PeerDirectory {
  /** The peer with the keys that verify at `now` (a retired key past its grace period does not). */
  find(nodeId: string, now?: Date): Promise<KnownPeer | null>;
  /**
   * Fetches the peer's document again when it signed with a key not known here (it may have rotated its key);
   * resolves to whether its keys changed. Rate-limited by the directory.
   */
  refresh?(nodeId: string): Promise<boolean>;
}

/** The peer as known after fetching its document again, when `kid` is none of its keys; else `peer` itself. */
export async function withKey(
  peers: PeerDirectory,
  peer: KnownPeer,
  kid: string,
  now = new Date(),
): Promise<KnownPeer> {
  if (peer.keys.some((key) => key.kid === kid) || !(await peers.refresh?.(peer.nodeId))) return peer;
  return (await peers.find(peer.nodeId, now)) ?? peer;
}
