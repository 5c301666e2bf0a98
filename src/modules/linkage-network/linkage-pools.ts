/**
 * The linkage unit's match pools, one per group, kind and schema version, held in memory and built from the stored
 * encodings on first use. A pool only grows (`MatchPool` has no removal): each member is named with the version of
 * the stored encoding it holds, and a candidate whose version is no longer the stored one (replaced, withdrawn, or
 * added by a transaction that rolled back) is skipped by the caller.
 */
import type { Queryable } from '../../db/client.ts';
import { MatchPool } from '../linkage-engine/index.ts';
import * as repo from './linkage-network.repository.ts';
import type { RecordKind } from './linkage-network.schema.ts';

export interface PoolMember {
  owner: string;
  ref: string;
  version: number;
}

const memberId = (m: PoolMember) => `${m.version} ${m.owner} ${m.ref}`;

export function parseMember(id: string): PoolMember {
  const [version, owner, ref] = id.split(' ');
  return { version: Number(version), owner: owner as string, ref: ref as string };
}

export class LinkagePools {
  readonly #pools = new Map<string, Promise<MatchPool>>();

  /**
   * The pool of a group's CLKs of one kind and schema. Exhaustive comparison: each arrival is one query, which the
   * WebAssembly kernel answers for a pool of 100 000 in well under a millisecond; blocking would pay only beyond that.
   */
  pool(
    q: Queryable,
    group: { id: string; threshold: number },
    kind: RecordKind,
    schemaVersion: string,
    bits: number,
  ): Promise<MatchPool> {
    const key = `${group.id} ${kind} ${schemaVersion}`;
    let found = this.#pools.get(key);
    if (!found) {
      found = this.#build(q, group, kind, schemaVersion, bits);
      this.#pools.set(key, found);
      found.catch(() => this.#pools.delete(key));
    }
    return found;
  }

  async #build(
    q: Queryable,
    group: { id: string; threshold: number },
    kind: RecordKind,
    schemaVersion: string,
    bits: number,
  ): Promise<MatchPool> {
    const pool = await MatchPool.create({ bits, threshold: group.threshold, blocking: { kind: 'exhaustive' } });
    for (const e of await repo.clks(q, group.id, kind)) {
      const vector = Buffer.from(e.clk as string, 'base64');
      if (e.schemaVersion === schemaVersion && vector.length * 8 === bits) add(pool, e, vector);
    }
    return pool;
  }
}

export function add(pool: MatchPool, member: PoolMember, vector: Uint8Array): void {
  pool.add(memberId(member), vector);
}
