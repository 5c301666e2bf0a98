import type { Queryable } from '../../db/client.ts';
import type { FieldVault, KeyCustody } from '../key-custody/index.ts';

/** Which stored message: its direction, peer and id. */
export interface StoredKey {
  direction: 'in' | 'out';
  peer: string;
  id: string;
}

/** What a stored message's encryption is bound to: its direction, peer and id. */
const messageOwner = (key: StoredKey) => `${key.direction}:${key.peer}:${key.id}`;
const MESSAGE_FIELD = 'federation_message';

/** Stored messages are encrypted at rest: their bodies may name people (an MLA request's persons concerned). */
export class MessageVault {
  readonly #vault: FieldVault;

  constructor(keyCustody: KeyCustody) {
    this.#vault = keyCustody.fieldVault('federation-message-key');
  }

  /** The stored form of a message (its compact JWS); `q` is the transaction that stores it. */
  seal(q: Queryable, key: StoredKey, jws: string): Promise<string> {
    return this.#vault.seal(q, messageOwner(key), MESSAGE_FIELD, jws);
  }

  open(q: Queryable, row: StoredKey & { jws: string }): Promise<string> {
    return this.#vault.open(q, messageOwner(row), MESSAGE_FIELD, row.jws);
  }
}
