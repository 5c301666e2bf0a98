/**
 * The node's own data keys, one per kind of data (the blind-index root, MLA requests, JIT entries, stored messages,
 * linkage secrets), made on first use and kept in `node_secrets` wrapped by the key-encryption key, each bound to its
 * name, so a KEK rotation rewraps them all (`rewrapNodeSecrets`). This file is the only one that reads the table.
 */
import { randomBytes } from 'node:crypto';
import type { Queryable } from '../../db/client.ts';
import { rewrapDataKey, unwrapDataKey, wrapDataKey } from '../../lib/data-keys.ts';

// The wrap binds a key to an owner id; node secrets use their name under this prefix.
const secretOwner = (name: string) => `node-secret:${name}`;

export class NodeSecretKey {
  readonly #name: string;
  readonly #kek: Buffer;
  #key: Buffer | null = null;

  constructor(name: string, kek: Buffer) {
    this.#name = name;
    this.#kek = kek;
  }

  /**
   * The key, made when missing. It is kept in memory only once read back as already stored: one made in a
   * transaction that then rolls back must not outlive it.
   */
  async get(q: Queryable): Promise<Buffer> {
    if (this.#key) return this.#key;
    const owner = secretOwner(this.#name);
    const inserted = await q.query(
      'insert into node_secrets (name, wrapped) values ($1, $2) on conflict (name) do nothing returning name',
      [this.#name, wrapDataKey(this.#kek, randomBytes(32), owner)],
    );
    const [row] = await q.query<{ wrapped: string }>('select wrapped from node_secrets where name = $1', [this.#name]);
    if (!row) throw new Error(`the node secret ${this.#name} is missing`);
    const key = unwrapDataKey(this.#kek, row.wrapped, owner);
    if (inserted.length === 0) this.#key = key;
    return key;
  }
}

/** Moves every node secret from `oldKek` to `newKek`; one already moved is kept. Returns how many there are. */
export async function rewrapNodeSecrets(tx: Queryable, oldKek: Buffer, newKek: Buffer): Promise<number> {
  const secrets = await tx.query<{ name: string; wrapped: string }>('select name, wrapped from node_secrets');
  for (const { name, wrapped } of secrets) {
    await tx.query('update node_secrets set wrapped = $2 where name = $1', [
      name,
      rewrapDataKey(oldKek, newKek, wrapped, secretOwner(name)),
    ]);
  }
  return secrets.length;
}
