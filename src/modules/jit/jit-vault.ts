/**
 * Encryption of what the entries of a JIT's timeline say: messages, task titles and file names may name people. They
 * are sealed in key custody's vault for JIT data (one node data key, rewrapped with the other node secrets by a KEK
 * rotation), each ciphertext bound to its entry.
 */
import type { Queryable } from '../../db/client.ts';
import type { FieldVault, KeyCustody } from '../key-custody/index.ts';
import type { EntryData } from './jit.schema.ts';

const SECRET = 'jit-data-key';
const FIELD = 'jit_entry';

export class JitVault {
  readonly #fields: FieldVault;

  constructor(keyCustody: KeyCustody) {
    this.#fields = keyCustody.fieldVault(SECRET);
  }

  seal(q: Queryable, entryId: string, data: EntryData): Promise<string> {
    return this.#fields.seal(q, entryId, FIELD, JSON.stringify(data));
  }

  async open(q: Queryable, entry: { id: string; dataSealed: string }): Promise<EntryData> {
    return JSON.parse(await this.#fields.open(q, entry.id, FIELD, entry.dataSealed)) as EntryData;
  }
}
