/**
 * A data key of the node for one kind of data (MLA requests, JIT entries, stored messages), made on first use and kept
 * in `node_secrets` wrapped by the key-encryption key, bound to its name, so a KEK rotation rewraps it with the other
 * node secrets (`rewrapAll`, survivors/identity-vault.ts).
 */
import { randomBytes } from 'node:crypto';
import type { Queryable } from '../../db/client.ts';
import { unwrapDataKey, wrapDataKey } from '../../lib/data-keys.ts';

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
    const owner = `node-secret:${this.#name}`;
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
