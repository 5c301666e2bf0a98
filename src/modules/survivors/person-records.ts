/**
 * The persons a case names (its survivor, its perpetrators) as the case service sees them (CasePersons): their
 * identity is sealed and searched here, under the node's identity vault, and never reaches the cases module in clear.
 */
import type { Db, Queryable } from '../../db/client.ts';
import { invalid } from '../../lib/errors.ts';
import { InvalidIdentifierError } from '../../lib/normalise.ts';
import type { FieldMap } from '../../shared/case-fields.ts';
import type { CasePerson, CasePersons, DataSealer, PersonQuery, PersonSealer, SealedPerson } from '../cases/index.ts';
import type { SealedIdentity } from './identity-vault.ts';
import * as repo from './survivors.repository.ts';
import type { VaultOpener } from './vault-opener.ts';

export class PersonRecords implements CasePersons {
  readonly #db: Db;
  readonly #vault: VaultOpener;

  constructor(db: Db, vault: VaultOpener) {
    this.#db = db;
    this.#vault = vault;
  }

  sealer(): Promise<PersonSealer> {
    return this.#vault();
  }

  async dataSealer(q: Queryable, personId: string): Promise<DataSealer> {
    const vault = await this.#vault(q);
    const person = await repo.findPerson(q, personId);
    return vault.dataSealer(personId, person?.wrappedKey ?? null);
  }

  async dataSealers(q: Queryable, personIds: string[]): Promise<Map<string, DataSealer>> {
    const vault = await this.#vault(q);
    const keys = await repo.wrappedKeysOf(q, [...new Set(personIds)]);
    return new Map(personIds.map((id) => [id, vault.dataSealer(id, keys.get(id) ?? null)]));
  }

  async insert(
    q: Queryable,
    personId: string,
    agencyId: string,
    attributes: FieldMap,
    sealed: SealedPerson,
  ): Promise<void> {
    // `sealed` comes from this class's sealer (the identity vault): it carries the blind-index tokens too.
    const identity = sealed as SealedIdentity;
    await repo.insertPerson(
      q,
      { id: personId, agencyId, attributes, wrappedKey: identity.wrappedKey, identity: identity.identity },
      identity.tokens,
      identity.nameTokenCount,
    );
  }

  async find(q: Queryable, personId: string, forUpdate = false): Promise<CasePerson | null> {
    const person = await repo.findPerson(q, personId, forUpdate);
    if (!person) return null;
    return {
      id: person.id,
      attributes: person.attributes,
      identityFields: Object.keys(person.identity ?? {}),
      wrappedKey: person.wrappedKey,
      erased: person.erasedAt !== null,
    };
  }

  async updateAttributes(q: Queryable, personId: string, attributes: FieldMap): Promise<void> {
    await repo.updatePersonAttributes(q, personId, attributes);
  }

  async search(query: PersonQuery, options: { minScore: number; limit: number }) {
    let tokens: ReturnType<Awaited<ReturnType<VaultOpener>>['queryTokens']>;
    try {
      tokens = (await this.#vault()).queryTokens(query);
    } catch (error) {
      if (error instanceof InvalidIdentifierError) throw invalid(`The search is not valid: ${error.message}.`);
      throw error;
    }
    return repo.searchPersons(this.#db, tokens, options);
  }

  erased(q: Queryable, personIds: string[]): Promise<Set<string>> {
    return repo.erasedAmong(q, personIds);
  }
}
