/**
 * Sealed fields of one kind of the node's data (what a JIT entry, an MLA request or a stored message says; a linkage
 * group's secret): encrypted under the node data key of that kind, each ciphertext bound to the record that owns it
 * and the field's name, so that copying it elsewhere makes it fail to decrypt. Modules ask key custody for their
 * vault (`KeyCustody.fieldVault`) and never see the key-encryption key.
 */
import type { Queryable } from '../../db/client.ts';
import { decryptField, encryptField } from '../../lib/data-keys.ts';
import { NodeSecretKey } from './node-secrets.ts';

export class FieldVault {
  readonly #key: NodeSecretKey;

  constructor(key: NodeSecretKey) {
    this.#key = key;
  }

  /** `q` is the caller's transaction: a data key made on first use is stored with what it seals. */
  async seal(q: Queryable, ownerId: string, field: string, value: string): Promise<string> {
    return encryptField(await this.#key.get(q), value, { ownerId, field });
  }

  async open(q: Queryable, ownerId: string, field: string, sealed: string): Promise<string> {
    return decryptField(await this.#key.get(q), sealed, { ownerId, field });
  }
}

/** Gives each module the vault of its kind of data, and the node secrets it derives its own keys from. */
export class KeyCustody {
  readonly #kek: Buffer;

  constructor(kek: Buffer) {
    this.#kek = kek;
  }

  /** The vault of the data kept under the node data key named `secret` (one name per kind of data, never shared). */
  fieldVault(secret: string): FieldVault {
    return new FieldVault(this.nodeSecret(secret));
  }

  /** A node secret used as key material by its owner module (the survivors' blind-index root). */
  nodeSecret(name: string): NodeSecretKey {
    return new NodeSecretKey(name, this.#kek);
  }
}
