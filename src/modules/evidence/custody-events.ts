/**
 * Custody events as entries of the node's custody log (decision 0004): the exact bytes the log stores and proves.
 * An entry holds references and hashes, never personal data, and never free text a person typed: the log is
 * permanent and travels to other countries inside evidence bags.
 */
import type { Queryable } from '../../db/client.ts';
import type { CustodyEventType } from '../../shared/evidence.ts';
import type { Actor } from '../../shared/policy.ts';

export interface CustodyEntry {
  v: 1;
  node: string;
  item: string;
  sha256: string;
  event: CustodyEventType;
  /** `user:<id>` or `console`. */
  actor: string;
  /** ISO 8601 UTC. */
  at: string;
  reason: string | null;
}

/** What the evidence module needs of the custody log: appending an entry inside the caller's transaction. */
export interface CustodyAppender {
  /** Appends `entry` and returns its index in the log (from 0). */
  append(tx: Queryable, entry: Uint8Array): Promise<number>;
}

/** The actor of a custody entry: a user by id, or the node's console. */
export function custodyActor(actor: Actor): string {
  if (actor.kind === 'user') return `user:${actor.userId}`;
  if (actor.kind === 'operator') return 'console';
  throw new Error('an anonymous actor cannot hold evidence');
}

/** The entry's bytes: UTF-8 JSON in the key order of decision 0004, without spaces. */
export function encodeCustodyEntry(entry: Omit<CustodyEntry, 'v'>): Uint8Array {
  const ordered: CustodyEntry = {
    v: 1,
    node: entry.node,
    item: entry.item,
    sha256: entry.sha256,
    event: entry.event,
    actor: entry.actor,
    at: entry.at,
    reason: entry.reason,
  };
  return new TextEncoder().encode(JSON.stringify(ordered));
}
