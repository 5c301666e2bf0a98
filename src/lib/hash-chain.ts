import { createHash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

/** The fields of a chained record that its hash covers, in a fixed order. */
export type ChainFields = readonly (string | number | null)[];

export function chainHash(prevHash: string, fields: ChainFields): string {
  return createHash('sha256')
    .update(JSON.stringify([prevHash, ...fields]))
    .digest('hex');
}

export interface ChainedRecord {
  seq: number;
  prevHash: string;
  hash: string;
  fields: ChainFields;
}

export type ChainBreak = { seq: number; reason: 'sequence_gap' | 'prev_hash_mismatch' | 'hash_mismatch' };

export interface ChainHead {
  seq: number;
  hash: string;
}

export const EMPTY_CHAIN: ChainHead = { seq: 0, hash: GENESIS_HASH };

/** Why `record` does not follow `previous` in the chain, or null when it does. */
export function checkLink(previous: ChainHead, record: ChainedRecord): ChainBreak['reason'] | null {
  if (record.seq !== previous.seq + 1) return 'sequence_gap';
  if (record.prevHash !== previous.hash) return 'prev_hash_mismatch';
  if (chainHash(record.prevHash, record.fields) !== record.hash) return 'hash_mismatch';
  return null;
}
