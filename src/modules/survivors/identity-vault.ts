/**
 * Where identity fields are encrypted, decrypted and turned into blind-index tokens. Nothing else in Passage sees a
 * person's data key or an index key.
 *
 * Each field value is stored as JSON (so numbers and alias lists keep their type) encrypted under the person's data
 * key, bound to the person and the field. The blind-index root key is a node secret that key custody keeps.
 */
import { createSecretKey, type KeyObject } from 'node:crypto';
import type { Queryable } from '../../db/client.ts';
import { deriveIndexKey, exactToken, type IndexPurpose, nameTokens } from '../../lib/blind-index.ts';
import {
  decryptField,
  encryptField,
  newDataKey,
  rewrapDataKey,
  unwrapDataKey,
  wrapDataKey,
} from '../../lib/data-keys.ts';
import { AppError } from '../../lib/errors.ts';
import { normaliseBirthDate, normaliseDocument, normalisePhone } from '../../lib/normalise.ts';
import { type FieldMap, type FieldValue, type IdentityField, isIdentityField } from '../../shared/case-fields.ts';
import type { DataSealer } from '../cases/index.ts';
import { NodeSecretKey } from '../key-custody/index.ts';
import { openPhotoBytes, sealPhotoBytes } from './photo-seal.ts';

const INDEX_ROOT = 'blind-index-root';

export interface Token {
  kind: IndexPurpose;
  token: string;
}

export interface SealedIdentity {
  wrappedKey: string;
  identity: Record<string, string>;
  tokens: Token[];
  nameTokenCount: number;
}

export interface IdentityQuery {
  name?: string;
  document?: string;
  phone?: string;
  birthDate?: string;
}

export class IdentityVault {
  readonly #kek: Buffer;
  readonly #indexKeys: Record<IndexPurpose, KeyObject>;

  private constructor(kek: Buffer, root: Buffer) {
    this.#kek = kek;
    const purposes: IndexPurpose[] = ['name', 'document', 'phone', 'birthdate'];
    this.#indexKeys = Object.fromEntries(purposes.map((p) => [p, createSecretKey(deriveIndexKey(root, p))])) as Record<
      IndexPurpose,
      KeyObject
    >;
  }

  /** Loads the index root key, creating it on a node's first use. */
  static async open(db: Queryable, kek: Buffer): Promise<IdentityVault> {
    return new IdentityVault(kek, await new NodeSecretKey(INDEX_ROOT, kek).get(db));
  }

  /** Encrypts a new person's identity under a fresh data key. */
  seal(personId: string, identity: FieldMap): SealedIdentity {
    const dataKey = newDataKey();
    try {
      return { wrappedKey: wrapDataKey(this.#kek, dataKey, personId), ...this.#encrypt(dataKey, personId, identity) };
    } finally {
      dataKey.fill(0);
    }
  }

  /** Re-encrypts a changed identity under the person's existing data key. */
  reseal(personId: string, wrappedKey: string, identity: FieldMap): Omit<SealedIdentity, 'wrappedKey'> {
    const dataKey = unwrapDataKey(this.#kek, wrappedKey, personId);
    try {
      return this.#encrypt(dataKey, personId, identity);
    } finally {
      dataKey.fill(0);
    }
  }

  /** Decrypts the named fields (all when omitted). */
  open(personId: string, wrappedKey: string, sealed: Record<string, string>, fields?: readonly string[]): FieldMap {
    const dataKey = unwrapDataKey(this.#kek, wrappedKey, personId);
    try {
      const out: FieldMap = {};
      for (const [field, ciphertext] of Object.entries(sealed)) {
        if (fields && !fields.includes(field)) continue;
        out[field] = JSON.parse(decryptField(dataKey, ciphertext, { ownerId: personId, field })) as FieldValue;
      }
      return out;
    } finally {
      dataKey.fill(0);
    }
  }

  /**
   * Encrypts free text about the person (a case comment) under their data key: such text often names people, and
   * erasing the person must erase it too.
   */
  sealText(personId: string, wrappedKey: string, field: string, text: string): string {
    const dataKey = unwrapDataKey(this.#kek, wrappedKey, personId);
    try {
      return encryptField(dataKey, text, { ownerId: personId, field });
    } finally {
      dataKey.fill(0);
    }
  }

  openText(personId: string, wrappedKey: string, field: string, sealed: string): string {
    const dataKey = unwrapDataKey(this.#kek, wrappedKey, personId);
    try {
      return decryptField(dataKey, sealed, { ownerId: personId, field });
    } finally {
      dataKey.fill(0);
    }
  }

  /**
   * Seals and opens what other records keep about the person (a safety plan, a case's free text, a reason) under their
   * data key, each ciphertext bound to the record that holds it and the field: erasing the person erases it too.
   */
  dataSealer(personId: string, wrappedKey: string | null): DataSealer {
    const withKey = <T>(use: (dataKey: Buffer) => T): T => {
      if (!wrappedKey)
        throw new AppError('identity_erased', 410, "The survivor's data was erased; nothing more is kept.");
      const dataKey = unwrapDataKey(this.#kek, wrappedKey, personId);
      try {
        return use(dataKey);
      } finally {
        dataKey.fill(0);
      }
    };
    return {
      erased: wrappedKey === null,
      seal: (ownerId, field, text) => withKey((key) => encryptField(key, text, { ownerId, field })),
      open: (ownerId, field, sealed) =>
        wrappedKey === null ? null : withKey((key) => decryptField(key, sealed, { ownerId, field })),
    };
  }

  /** Encrypts a photo of the person under their data key, bound to the person and the photo id. */
  sealPhoto(personId: string, wrappedKey: string, photoId: string, image: Buffer): Buffer {
    const dataKey = unwrapDataKey(this.#kek, wrappedKey, personId);
    try {
      return sealPhotoBytes(dataKey, image, { personId, photoId });
    } finally {
      dataKey.fill(0);
    }
  }

  openPhoto(personId: string, wrappedKey: string, photoId: string, sealed: Uint8Array): Buffer {
    const dataKey = unwrapDataKey(this.#kek, wrappedKey, personId);
    try {
      return openPhotoBytes(dataKey, sealed, { personId, photoId });
    } finally {
      dataKey.fill(0);
    }
  }

  /** Tokens to look up for a search; a value that cannot be normalised throws InvalidIdentifierError. */
  queryTokens(query: IdentityQuery): { name: string[]; exact: Token[] } {
    const exact: Token[] = [];
    if (query.document) exact.push(this.#exact('document', normaliseDocument(query.document)));
    if (query.phone) exact.push(this.#exact('phone', normalisePhone(query.phone)));
    if (query.birthDate) exact.push(this.#exact('birthdate', normaliseBirthDate(query.birthDate)));
    return { name: query.name ? nameTokens(this.#indexKeys.name, query.name) : [], exact };
  }

  #encrypt(dataKey: Buffer, personId: string, identity: FieldMap): Omit<SealedIdentity, 'wrappedKey'> {
    const sealed: Record<string, string> = {};
    for (const [field, value] of Object.entries(identity)) {
      if (!isIdentityField(field)) throw new Error(`${field} is not an identity field`);
      sealed[field] = encryptField(dataKey, JSON.stringify(value), { ownerId: personId, field });
    }
    const names = this.#nameTokens(identity);
    return { identity: sealed, tokens: [...names, ...this.#exactTokens(identity)], nameTokenCount: names.length };
  }

  #nameTokens(identity: FieldMap): Token[] {
    const full = (['prs_FirstName', 'prs_MiddleName', 'prs_SecondName'] as IdentityField[])
      .map((field) => identity[field])
      .filter((part): part is string => typeof part === 'string' && part !== '')
      .join(' ');
    const aliases = Array.isArray(identity.psg_Aliases) ? identity.psg_Aliases : [];
    const tokens = new Set<string>();
    for (const name of [full, ...aliases]) {
      if (name) for (const token of nameTokens(this.#indexKeys.name, name)) tokens.add(token);
    }
    return [...tokens].map((token) => ({ kind: 'name', token }));
  }

  #exactTokens(identity: FieldMap): Token[] {
    const tokens: Token[] = [];
    if (typeof identity.prs_IdentityNumber === 'string') {
      tokens.push(this.#exact('document', normaliseDocument(identity.prs_IdentityNumber)));
    }
    const phones = new Set([identity.prs_MobilePhone, identity.prs_HomePhone].filter((p) => typeof p === 'string'));
    for (const phone of phones) tokens.push(this.#exact('phone', phone as string));
    if (typeof identity.prs_Birthdate === 'string') {
      tokens.push(this.#exact('birthdate', normaliseBirthDate(identity.prs_Birthdate)));
    }
    return tokens;
  }

  #exact(kind: IndexPurpose, normalised: string): Token {
    return { kind, token: exactToken(this.#indexKeys[kind], normalised) };
  }
}

/**
 * Moves every person's data key from `oldKek` to `newKek` (for key custody's KEK rotation, in its transaction); field
 * ciphertexts and tokens stay as they are. Safe to run again after an interruption. Returns how many keys there are.
 */
export async function rewrapPersonKeys(tx: Queryable, oldKek: Buffer, newKek: Buffer): Promise<number> {
  const persons = await tx.query<{ id: string; wrapped_key: string }>(
    'select id, wrapped_key from persons where wrapped_key is not null',
  );
  for (const { id, wrapped_key } of persons) {
    await tx.query('update persons set wrapped_key = $2 where id = $1', [
      id,
      rewrapDataKey(oldKek, newKek, wrapped_key, id),
    ]);
  }
  return persons.length;
}
