/**
 * What a case needs of the people it names (its survivor, its perpetrators) and of the agencies it was referred to.
 * Those records belong to the survivors and care modules, which depend on cases; the composition root hands their
 * implementations to the case service, so that cases never imports them.
 */
import type { Queryable } from '../../db/client.ts';
import type { FieldMap } from '../../shared/case-fields.ts';

export interface CasePerson {
  id: string;
  attributes: FieldMap;
  /** Names of the identity fields on record, never their values. */
  identityFields: string[];
  /** The person's wrapped data key; null once their identity was erased. */
  wrappedKey: string | null;
  erased: boolean;
}

/** A new person's identity, sealed under a data key of their own, to be stored in the case's transaction. */
export interface SealedPerson {
  wrappedKey: string;
}

/** How a case is searched by its survivor's identity (never decrypted: blind-index tokens). */
export interface PersonQuery {
  name?: string;
  document?: string;
  phone?: string;
  birthDate?: string;
}

/** Seals and opens under the node's identity keys; taken before a transaction (opening the keys reads the database). */
export interface PersonSealer {
  seal(personId: string, identity: FieldMap): SealedPerson;
  sealText(personId: string, wrappedKey: string, field: string, text: string): string;
  openText(personId: string, wrappedKey: string, field: string, sealed: string): string;
  /** The sealer of a person's data whose wrapped key the caller holds (null once erased). */
  dataSealer(personId: string, wrappedKey: string | null): DataSealer;
}

/**
 * Seals what a record keeps about one survivor (free text, places, reasons) under the survivor's own data key, bound
 * to the record (`ownerId`) and the field, so that erasing the survivor's identity erases it too.
 */
export interface DataSealer {
  /** The survivor's identity (and with it their data key) was erased: sealed values read as erased. */
  readonly erased: boolean;
  /** Fails with 410 identity_erased once the survivor's data key is gone. */
  seal(ownerId: string, field: string, text: string): string;
  /** Null once the survivor's data key is gone. */
  open(ownerId: string, field: string, sealed: string): string | null;
}

export interface CasePersons {
  sealer(): Promise<PersonSealer>;
  /** The sealer of one survivor's data; `q` is the caller's transaction, if any. */
  dataSealer(q: Queryable, personId: string): Promise<DataSealer>;
  /** The sealers of several survivors' data in one read (a page of the case list). */
  dataSealers(q: Queryable, personIds: string[]): Promise<Map<string, DataSealer>>;
  insert(q: Queryable, personId: string, agencyId: string, attributes: FieldMap, sealed: SealedPerson): Promise<void>;
  find(q: Queryable, personId: string, forUpdate?: boolean): Promise<CasePerson | null>;
  updateAttributes(q: Queryable, personId: string, attributes: FieldMap): Promise<void>;
  /** Persons ranked by how well they match; fails with a 400 on an identifier that cannot be read. */
  search(
    query: PersonQuery,
    options: { minScore: number; limit: number },
  ): Promise<{ personId: string; score: number }[]>;
  /** Which of the persons were erased. */
  erased(q: Queryable, personIds: string[]): Promise<Set<string>>;
}

/** Cases other agencies of the node received by accepted in-country referrals (care's referrals). */
export interface CaseSharing {
  /** Which of `caseIds` (every case when absent) one of `agencies` received. */
  sharedCases(q: Queryable, agencies: string[], caseIds?: string[]): Promise<string[]>;
  /** Agencies that received the case, for the policy check of every case action (CaseAccess). */
  sharedWith(q: Queryable, caseId: string): Promise<string[]>;
}
