/**
 * Encryption of what an MLA request says about people: the persons concerned and the summary of facts. They are
 * encrypted under one data key of the node, kept wrapped by the key-encryption key in `node_secrets` (so a KEK
 * rotation rewraps it with the other node secrets), each ciphertext bound to its request and field.
 */
import { randomBytes } from 'node:crypto';
import type { Queryable } from '../../db/client.ts';
import { decryptField, encryptField, unwrapDataKey, wrapDataKey } from '../../lib/data-keys.ts';

const SECRET = 'mla-data-key';
// The owner a node secret's wrap is bound to, as `rewrapAll` (cases/identity-vault.ts) rewraps it.
const OWNER = `node-secret:${SECRET}`;
const PERSONS = 'mla_persons';
const FACTS = 'mla_facts';

export interface PersonConcerned {
  name: string;
  role: string;
}

export class MlaVault {
  readonly #kek: Buffer;
  #key: Buffer | null = null;

  constructor(kek: Buffer) {
    this.#kek = kek;
  }

  async seal(q: Queryable, requestId: string, persons: PersonConcerned[], facts: string) {
    const key = await this.#dataKey(q);
    return {
      personsSealed: encryptField(key, JSON.stringify(persons), { survivorId: requestId, field: PERSONS }),
      factsSealed: encryptField(key, facts, { survivorId: requestId, field: FACTS }),
    };
  }

  async open(q: Queryable, sealed: { id: string; personsSealed: string; factsSealed: string }) {
    const key = await this.#dataKey(q);
    return {
      persons: JSON.parse(
        decryptField(key, sealed.personsSealed, { survivorId: sealed.id, field: PERSONS }),
      ) as PersonConcerned[],
      factsSummary: decryptField(key, sealed.factsSealed, { survivorId: sealed.id, field: FACTS }),
    };
  }

  /**
   * The node's MLA data key, made on first use. It is kept in memory only once read back as already stored: one made
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
    if (!row) throw new Error('the MLA data key is missing');
    const key = unwrapDataKey(this.#kek, row.wrapped, OWNER);
    if (inserted.length === 0) this.#key = key;
    return key;
  }
}
