/**
 * What makes the import forgive as KoBoToolbox does: picklist answers written as the toolkit shows them ("Forced
 * Labour", "forced labour", "FORCEDLABOUR") are read as the standard's value names, and a value that is still not one
 * of them gets the nearest valid value as a suggestion. Also the row key that makes a second import of the same row a
 * no-op, and the toolkit columns kept as provenance rather than refused.
 */
import { createHash } from 'node:crypto';
import { type FieldError, fieldDefinition, isIsoDate } from '../../shared/case-fields.ts';
import { type HtcdsField, isMultiSelect, parseMultiSelect, validateValue } from '../../shared/htcds.ts';

/** Spaces, case, and the punctuation people add or drop ("Follow-up", "Follow Up", "FollowUp") do not count. */
const loose = (text: string) =>
  text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s_\-–—.,/()'’]+/g, '');

const lookups = new Map<string, Map<string, string>>();

/** The value names of a picklist field by their loose name and loose label. */
function lookup(field: HtcdsField): Map<string, string> {
  let found = lookups.get(field.name);
  if (!found) {
    found = new Map();
    for (const value of field.values ?? []) {
      found.set(loose(value.label), value.name);
      found.set(loose(value.name), value.name);
    }
    lookups.set(field.name, found);
  }
  return found;
}

/**
 * The value as the standard spells it when the field has a listed vocabulary and every part of the answer names one
 * of its values by name or label, in any case; otherwise the value unchanged (the case parser then says why).
 */
export function standardValue(name: string, value: unknown): unknown {
  const field = fieldDefinition(name);
  if (field?.type === 'Date' && typeof value === 'number') return fromExcelSerial(value) ?? value;
  if (!field?.values?.length || typeof value !== 'string') return value;
  const values = lookup(field);
  const parts = isMultiSelect(field) ? parseMultiSelect(value) : [value.trim()];
  const names = parts.map((part) => values.get(loose(part)));
  if (names.some((n) => n === undefined)) return value;
  return names.join(';');
}

/**
 * A date cell that lost its date format (pasted as General) holds Excel's day number: 1 is 1900-01-01, and 25569 is
 * 1970-01-01 (Excel counts a 29 February 1900 that never was, so days from March 1900 on are one ahead).
 */
function fromExcelSerial(days: number): string | undefined {
  if (!Number.isInteger(days) || days < 61 || days > 2958465) return undefined;
  return new Date((days - 25569) * 86_400_000).toISOString().slice(0, 10);
}

/** Levenshtein distance, on two short strings. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** The listed value nearest to `text`, comparing with each value's name and label. */
export function nearestValue(name: string, text: string): { name: string; label: string } | undefined {
  const field = fieldDefinition(name);
  let best: { name: string; label: string; distance: number } | undefined;
  for (const value of field?.values ?? []) {
    const distance = Math.min(
      editDistance(loose(text), loose(value.name)),
      editDistance(loose(text), loose(value.label)),
    );
    if (!best || distance < best.distance) best = { ...value, distance };
  }
  return best && { name: best.name, label: best.label };
}

const SUGGESTION = 'Did you mean';

/**
 * The reason for a refused picklist value, with the nearest valid value for the part that is wrong. The suggestion is
 * a value of the standard, never the user's input, so it can be shown beside the row number.
 */
export function withSuggestion(error: FieldError, raw: unknown): FieldError {
  const field = fieldDefinition(error.field);
  if (!field?.values?.length || typeof raw !== 'string' || error.reason.includes(SUGGESTION)) return error;
  const known = lookup(field);
  const parts = isMultiSelect(field) ? parseMultiSelect(raw) : [raw.trim()];
  const wrong = parts.find((part) => !known.has(loose(part)));
  const nearest = wrong === undefined ? undefined : nearestValue(field.name, wrong);
  if (!nearest) return error;
  return { ...error, reason: `${error.reason} ${SUGGESTION} ${nearest.name} (${nearest.label})?` };
}

/** The toolkit's `cas_Status`; the closed ones close the imported case. */
export const TOOLKIT_STATUSES = ['Active', 'FollowUp', 'Closed', 'ClosedReferred'] as const;
export type ToolkitStatus = (typeof TOOLKIT_STATUSES)[number];

/**
 * Toolkit columns that Passage fills itself in a case it holds (its owner, its outgoing referrals): a file from
 * another system names them in its own terms (a person, an organisation that may not be on this node), so they are
 * kept as the row's provenance and given back by the export, instead of refusing the row.
 */
export const PROVENANCE_COLUMNS = [
  'cas_CaseOwner',
  'cas_ReferringPrimaryCaseWorker',
  'cas_ReferredOrganisation',
  'cas_ReferredPrimaryCaseWorker',
  'cas_ReasonForOutgoingReferral',
  'cas_OutgoingReferralDate',
  'cas_OutgoingReferralDetails',
] as const;
const provenanceSet = new Set<string>(PROVENANCE_COLUMNS);
export const isProvenanceColumn = (column: string) => provenanceSet.has(column);

const PROVENANCE_MAX = 2000;

/** One provenance value checked as its field's type says, or the reason it is refused. */
export function provenanceValue(column: string, raw: unknown): { value: string } | FieldError {
  const field = fieldDefinition(column) as HtcdsField;
  const what = `${field.label} (${column})`;
  const text = raw instanceof Date ? raw.toISOString().slice(0, 10) : String(raw).trim();
  if (field.type === 'Date') {
    return isIsoDate(text) ? { value: text } : { field: column, reason: `${what} must be a date written YYYY-MM-DD.` };
  }
  if (field.values?.length) {
    const value = String(standardValue(column, text));
    const check = validateValue(column, value);
    return check.ok ? { value } : withSuggestion({ field: column, reason: check.reason }, text);
  }
  if (text.length > PROVENANCE_MAX)
    return { field: column, reason: `${what} is longer than ${PROVENANCE_MAX} characters.` };
  return { value: text };
}

/**
 * The key a row is remembered by in its agency: the survey's submission id, else the Passage reference of a case
 * exported from a node, else a digest of the row's fields in a fixed order (the same row read again from a fixed file
 * of rejected rows, or from the same file, gives the same digest; the values themselves are not kept).
 */
export function rowKey(fields: Record<string, unknown>, externalId?: string): string {
  if (externalId) return `submission:${externalId}`;
  const reference = fields.psg_CaseReference;
  if (typeof reference === 'string' && reference.trim() !== '') return `reference:${reference.trim()}`;
  const canonical = Object.keys(fields)
    .filter((name) => fields[name] !== '' && fields[name] !== undefined && fields[name] !== null)
    .sort()
    .map((name) => {
      const value = fields[name];
      const text = value instanceof Date ? value.toISOString().slice(0, 10) : String(value).trim();
      return [name, String(standardValue(name, text))];
    });
  return `digest:${createHash('sha256').update(JSON.stringify(canonical)).digest('base64url')}`;
}
