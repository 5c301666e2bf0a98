/**
 * Field maps with some fields sealed (src/shared/sealed-fields.ts): what stays in the clear map and what goes, as
 * ciphertext under the survivor's data key bound to the record and the field, into the record's `sealed` map.
 */
import type { FieldMap, FieldValue } from '../../shared/case-fields.ts';
import { isSealedField } from '../../shared/sealed-fields.ts';
import type { DataSealer } from './case-persons.ts';

/** Field name → ciphertext of its JSON value. */
export type SealedMap = Record<string, string>;

export function sealFields(
  sealer: DataSealer,
  ownerId: string,
  fields: FieldMap,
): { clear: FieldMap; sealed: SealedMap } {
  const clear: FieldMap = {};
  const sealed: SealedMap = {};
  for (const [name, value] of Object.entries(fields)) {
    if (isSealedField(name)) sealed[name] = sealer.seal(ownerId, name, JSON.stringify(value));
    else clear[name] = value;
  }
  return { clear, sealed };
}

/**
 * The sealed fields opened (those of `only` when given), and the names of those erased with the survivor's data key.
 */
export function openFields(
  sealer: DataSealer,
  ownerId: string,
  sealed: SealedMap,
  only?: (name: string) => boolean,
): { fields: FieldMap; erased: string[] } {
  const fields: FieldMap = {};
  const erased: string[] = [];
  for (const [name, ciphertext] of Object.entries(sealed)) {
    if (only && !only(name)) continue;
    const text = sealer.open(ownerId, name, ciphertext);
    if (text === null) erased.push(name);
    else fields[name] = JSON.parse(text) as FieldValue;
  }
  return { fields, erased };
}
