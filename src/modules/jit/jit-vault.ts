/**
 * Encryption of what the entries of a JIT's timeline say: messages, task titles and file names may name people. They
 * are encrypted under one data key of the node, kept wrapped by the key-encryption key in `node_secrets` (so a KEK
 * rotation rewraps it with the other node secrets), each ciphertext bound to its entry.
 */
import { randomBytes } from 'node:crypto';
import type { Queryable } from '../../db/client.ts';
import { decryptField, encryptField, unwrapDataKey, wrapDataKey } from '../../lib/data-keys.ts';
import type { EntryData } from './jit.schema.ts';

const SECRET = 'jit-data-key';
// The owner a node secret's wrap is bound to, as `rewrapAll` (cases/identity-vault.ts) rewraps it.
const OWNER = `node-secret:${SECRET}`;
const FIELD = 'jit_entry';

export class JitVault {
  readonly #kek: Buffer;
  #key: Buffer | null = null;

  constructor(kek: Buffer) {
    this.#kek = kek;
  }

  async seal(q: Queryable, entryId: string, data: EntryData): Promise<string> {
    return encryptField(await this.#dataKey(q), JSON.stringify(data), { survivorId: entryId, field: FIELD });
  }

  async open(q: Queryable, entry: { id: string; dataSealed: string }): Promise<EntryData> {
    const key = await this.#dataKey(q);
    return JSON.parse(decryptField(key, entry.dataSealed, { survivorId: entry.id, field: FIELD })) as EntryData;
  }

  /**
   * The node's JIT data key, made on first use. It is kept in memory only once read back as already stored: one made
   * in a transaction that then rolls back must not outlive it.
   */
  async #dataKey(q: Queryable): Promise<Buffer> {
    if (this.#key) return this.#key;
    const fresh = wrapDataKey(this.#kek, randomBytes(32), OWNER);
    const inserted = await q.query(
      'insert into node_secrets (name, wrapped) values ($1, $2) on conflict (name) do nothing returning name',
      [SECRET, fresh],
    );
    const [row] = await q.query<{ wrapped: string }>('select wrapped from node_secrets where name = $1', [SECRET]);
    if (!row) throw new Error('the JIT data key is missing');
    const key = unwrapDataKey(this.#kek, row.wrapped, OWNER);
    if (inserted.length === 0) this.#key = key;
    return key;
  }
}
