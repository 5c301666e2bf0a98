/**
 * Field maps with some fields sealed (src/shared/sealed-fields.ts): what stays in the clear map and what goes, as
 * ciphertext under the survivor's data key bound to the record and the field, into the record's `sealed` map.
 */
import type { FieldMap, FieldValue } from '../../shared/case-fields.ts';
import { isSealedField } from '../../shared/sealed-fields.ts';
import type { DataSealer } from './case-persons.ts';

/** The key of a pending closure request's reason in a case's sealed map. */
export const CLOSURE_REASON = 'closureReason';

/** What binds the ciphertext of a reason in a case event to the case. */
export const REASON = 'reason';

/**
 * The node data key (key custody's vault) of the reasons recorded once the survivor's data key is gone (the erasure's
 * own reason, and any recorded after it): free text that must not stay in clear, with no survivor key to seal it under.
 * It is stored as `reasonVaulted`, bound to the case, and opened on read like `reasonSealed`.
 */
export const REASON_VAULT = 'case-event-reason-key';

/** What binds the ciphertext of a case's label (the list's non-identifying label) to the case. */
export const LABEL = 'label';

/** The HTCDS field of a case comment, also what binds its ciphertext. */
export const COMMENT = 'cco_CaseComment';

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

/** A case's field maps and pending closure reason as stored: the sealed fields moved into `sealed`. */
export function sealCase(
  sealer: DataSealer,
  caseId: string,
  victim: FieldMap,
  details: FieldMap,
  closureReason: string | null,
) {
  const v = sealFields(sealer, caseId, victim);
  const d = sealFields(sealer, caseId, details);
  const sealed: SealedMap = { ...v.sealed, ...d.sealed };
  if (closureReason) sealed[CLOSURE_REASON] = sealer.seal(caseId, CLOSURE_REASON, JSON.stringify(closureReason));
  return { victim: v.clear, details: d.clear, sealed };
}

export const withoutSealed = (fields: FieldMap): FieldMap =>
  Object.fromEntries(Object.entries(fields).filter(([name]) => !isSealedField(name)));

export const splitFields = ({ clear, sealed }: { clear: FieldMap; sealed: SealedMap }) => ({ fields: clear, sealed });

/** A movement's or perpetrator's fields with the sealed ones opened, and the names of those erased. */
export function openRecord(sealer: DataSealer, record: { id: string; fields: FieldMap; sealed: SealedMap }) {
  const { fields, erased } = openFields(sealer, record.id, record.sealed);
  return { id: record.id, fields: { ...record.fields, ...fields }, erased };
}
