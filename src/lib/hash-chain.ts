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

/** Walks records in order from `start` and returns the first one that breaks the chain, or null. */
export function findChainBreak(
  records: Iterable<ChainedRecord>,
  start: { seq: number; hash: string } = { seq: 0, hash: GENESIS_HASH },
): { break: ChainBreak | null; last: { seq: number; hash: string } } {
  let last = start;
  for (const record of records) {
    if (record.seq !== last.seq + 1) return { break: { seq: record.seq, reason: 'sequence_gap' }, last };
    if (record.prevHash !== last.hash) return { break: { seq: record.seq, reason: 'prev_hash_mismatch' }, last };
    if (chainHash(record.prevHash, record.fields) !== record.hash) {
      return { break: { seq: record.seq, reason: 'hash_mismatch' }, last };
    }
    last = { seq: record.seq, hash: record.hash };
  }
  return { break: null, last };
}
