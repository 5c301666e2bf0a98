/**
 * Encryption of what an MLA request says about people: the persons concerned and the summary of facts. They are
 * sealed in key custody's vault for MLA data (one node data key, rewrapped with the other node secrets by a KEK
 * rotation), each ciphertext bound to its request and field.
 */
import type { Queryable } from '../../db/client.ts';
import type { FieldVault, KeyCustody } from '../key-custody/index.ts';

const SECRET = 'mla-data-key';
const PERSONS = 'mla_persons';
const FACTS = 'mla_facts';

export interface PersonConcerned {
  name: string;
  role: string;
}

export class MlaVault {
  readonly #fields: FieldVault;

  constructor(keyCustody: KeyCustody) {
    this.#fields = keyCustody.fieldVault(SECRET);
  }

  async seal(q: Queryable, requestId: string, persons: PersonConcerned[], facts: string) {
    return {
      personsSealed: await this.#fields.seal(q, requestId, PERSONS, JSON.stringify(persons)),
      factsSealed: await this.#fields.seal(q, requestId, FACTS, facts),
    };
  }

  async open(q: Queryable, sealed: { id: string; personsSealed: string; factsSealed: string }) {
    return {
      persons: JSON.parse(await this.#fields.open(q, sealed.id, PERSONS, sealed.personsSealed)) as PersonConcerned[],
      factsSummary: await this.#fields.open(q, sealed.id, FACTS, sealed.factsSealed),
    };
  }
}
