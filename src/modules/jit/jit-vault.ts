/**
 * Encryption of what the entries of a JIT's timeline say: messages, task titles and file names may name people. They
 * are encrypted under one data key of the node, kept wrapped by the key-encryption key in `node_secrets` (so a KEK
 * rotation rewraps it with the other node secrets), each ciphertext bound to its entry.
 */
import type { Queryable } from '../../db/client.ts';
import { decryptField, encryptField } from '../../lib/data-keys.ts';
import { NodeSecretKey } from '../key-custody/index.ts';
import type { EntryData } from './jit.schema.ts';

const SECRET = 'jit-data-key';
const FIELD = 'jit_entry';

export class JitVault {
  readonly #key: NodeSecretKey;

  constructor(kek: Buffer) {
    this.#key = new NodeSecretKey(SECRET, kek);
  }

  async seal(q: Queryable, entryId: string, data: EntryData): Promise<string> {
    return encryptField(await this.#key.get(q), JSON.stringify(data), { survivorId: entryId, field: FIELD });
  }

  async open(q: Queryable, entry: { id: string; dataSealed: string }): Promise<EntryData> {
    const key = await this.#key.get(q);
    return JSON.parse(decryptField(key, entry.dataSealed, { survivorId: entry.id, field: FIELD })) as EntryData;
  }
}
