import type { Queryable } from '../../db/client.ts';
import { decryptField, encryptField } from '../../lib/data-keys.ts';
import { NodeSecretKey } from '../key-custody/index.ts';

/** Which stored message: its direction, peer and id. */
export interface StoredKey {
  direction: 'in' | 'out';
  peer: string;
  id: string;
}

/** What a stored message's encryption is bound to: its direction, peer and id. */
const messageContext = (key: StoredKey) => ({
  survivorId: `${key.direction}:${key.peer}:${key.id}`,
  field: 'federation_message',
});

/** Stored messages are encrypted at rest: their bodies may name people (an MLA request's persons concerned). */
export class MessageVault {
  readonly #key: NodeSecretKey;

  constructor(kek: Buffer) {
    this.#key = new NodeSecretKey('federation-message-key', kek);
  }

  /** The stored form of a message (its compact JWS); `q` is the transaction that stores it. */
  async seal(q: Queryable, key: StoredKey, jws: string): Promise<string> {
    return encryptField(await this.#key.get(q), jws, messageContext(key));
  }

  async open(q: Queryable, row: StoredKey & { jws: string }): Promise<string> {
    return decryptField(await this.#key.get(q), row.jws, messageContext(row));
  }
}
