/**
 * Encryption of what an MLA request says about people: the persons concerned, the summary of facts, the measures'
 * descriptions (which name accounts, telephones, addresses, people) and the legal classification. They are sealed in key custody's vault for MLA data (one node data key, rewrapped with the other node secrets by a KEK
 * rotation), each ciphertext bound to its request and field.
 */
import type { Queryable } from '../../db/client.ts';
import type { FieldVault, KeyCustody } from '../key-custody/index.ts';
import type { MeasureRequested, MlaRecord } from './mla.repository.ts';

const SECRET = 'mla-data-key';
const PERSONS = 'mla_persons';
const FACTS = 'mla_facts';
const MEASURES = 'mla_measures';
const CLASSIFICATION = 'mla_classification';

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

  /** The measures as stored (their types) and the sealed descriptions and classification, for the request's row. */
  async sealDetails(q: Queryable, requestId: string, measures: MeasureRequested[], legalClassification: string) {
    const descriptions = measures.map((m) => m.description ?? null);
    return {
      measures: measures.map(({ type }) => ({ type })),
      measuresSealed: await this.#fields.seal(q, requestId, MEASURES, JSON.stringify(descriptions)),
      classificationSealed: await this.#fields.seal(q, requestId, CLASSIFICATION, legalClassification),
      legalClassification: null,
    };
  }

  /** The legal classification, opened (or as wave 1 stored it). */
  async classification(q: Queryable, r: MlaRecord): Promise<string> {
    if (!r.classificationSealed) return r.legalClassification ?? '';
    return this.#fields.open(q, r.id, CLASSIFICATION, r.classificationSealed);
  }

  /** The measures with their descriptions opened (or as wave 1 stored them). */
  async measures(q: Queryable, r: MlaRecord): Promise<MeasureRequested[]> {
    if (!r.measuresSealed) return r.measures;
    const descriptions = JSON.parse(await this.#fields.open(q, r.id, MEASURES, r.measuresSealed)) as (string | null)[];
    return r.measures.map((m, i) => {
      const description = descriptions[i];
      return description ? { type: m.type, description } : { type: m.type };
    });
  }

  async open(q: Queryable, sealed: { id: string; personsSealed: string; factsSealed: string }) {
    return {
      persons: JSON.parse(await this.#fields.open(q, sealed.id, PERSONS, sealed.personsSealed)) as PersonConcerned[],
      factsSummary: await this.#fields.open(q, sealed.id, FACTS, sealed.factsSealed),
    };
  }
}
