/**
 * Encryption of what an MLA request says about people: the persons concerned and the summary of facts. They are
 * encrypted under one data key of the node, kept wrapped by the key-encryption key in `node_secrets` (so a KEK
 * rotation rewraps it with the other node secrets), each ciphertext bound to its request and field.
 */
import type { Queryable } from '../../db/client.ts';
import { decryptField, encryptField } from '../../lib/data-keys.ts';
import { NodeSecretKey } from '../key-custody/index.ts';

const SECRET = 'mla-data-key';
const PERSONS = 'mla_persons';
const FACTS = 'mla_facts';

export interface PersonConcerned {
  name: string;
  role: string;
}

export class MlaVault {
  readonly #key: NodeSecretKey;

  constructor(kek: Buffer) {
    this.#key = new NodeSecretKey(SECRET, kek);
  }

  async seal(q: Queryable, requestId: string, persons: PersonConcerned[], facts: string) {
    const key = await this.#key.get(q);
    return {
      personsSealed: encryptField(key, JSON.stringify(persons), { survivorId: requestId, field: PERSONS }),
      factsSealed: encryptField(key, facts, { survivorId: requestId, field: FACTS }),
    };
  }

  async open(q: Queryable, sealed: { id: string; personsSealed: string; factsSealed: string }) {
    const key = await this.#key.get(q);
    return {
      persons: JSON.parse(
        decryptField(key, sealed.personsSealed, { survivorId: sealed.id, field: PERSONS }),
      ) as PersonConcerned[],
      factsSummary: decryptField(key, sealed.factsSealed, { survivorId: sealed.id, field: FACTS }),
    };
  }
}
