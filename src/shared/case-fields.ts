/**
 * Case records as flat HTCDS field maps: `{ prs_FirstName: 'Ana', vic_TraffickingStatus: 'PossibleVictimOfTrafficking' }`.
 * The API, the spreadsheet import and the export all speak this shape, so one parser checks every way data comes in.
 *
 * Values arrive typed (JSON) or as text (a spreadsheet cell): a multi-select as an array or as "a;b", a number as
 * 3 or "3", a date as "2026-06-14" (or a Date from a spreadsheet). Parsing returns the stored form or a reason that
 * names the field and never quotes identity values back.
 */

import { InvalidIdentifierError, normalisePhone } from '../lib/normalise.ts';
import { isCountryCode } from './countries.ts';
import { type HtcdsField, htcdsField, isMultiSelect, parseMultiSelect, validateValue } from './htcds.ts';

export type FieldValue = string | number | boolean | string[];
export type FieldMap = Record<string, FieldValue>;

/** Passage's additions where HTCDS has no field (prefix `psg_`). */
const EXTENSIONS: readonly HtcdsField[] = [
  { name: 'psg_Aliases', label: 'Other names used', type: 'Multiselect Text' },
  { name: 'psg_PlaceOfBirth', label: 'Place of birth', type: 'Text' },
  { name: 'psg_DocumentType', label: 'Identity document type', type: 'Picklist' },
  { name: 'psg_ImmigrationStatus', label: 'Immigration status', type: 'Picklist' },
  { name: 'psg_InterpreterLanguage', label: 'Interpreter needed for language', type: 'Language' },
  { name: 'psg_CaseReference', label: 'Case reference', type: 'Text' },
  { name: 'psg_ReportedAt', label: 'Date of the first report', type: 'Date' },
].map((field) => ({ ...field, prefix: 'psg_', section: 'Passage', status: 'PASSAGE', core: false }));

const EXTENSION_VALUES: Record<string, readonly string[]> = {
  psg_DocumentType: [
    'Passport',
    'NationalIdentityCard',
    'ResidencePermit',
    'DrivingLicence',
    'BirthCertificate',
    'Other',
  ],
  psg_ImmigrationStatus: ['Citizen', 'RegularResident', 'IrregularMigrant', 'AsylumSeeker', 'Refugee', 'Unknown'],
};

/** Fields that identify a person: encrypted under the person's data key, never stored or logged in plain text. */
export const IDENTITY_FIELDS = [
  'prs_Salutation',
  'prs_FirstName',
  'prs_MiddleName',
  'prs_SecondName',
  'psg_Aliases',
  'prs_Birthdate',
  'psg_PlaceOfBirth',
  'prs_IdentityNumber',
  'prs_Title',
  'prs_Email',
  'prs_HomePhone',
  'prs_MobilePhone',
  'prs_MailingStreet',
  'prs_MailingCity',
  'prs_MailingState',
  'prs_MailingPostalCode',
  'prs_MailingLongitude',
  'prs_MailingLatitude',
] as const;
export type IdentityField = (typeof IDENTITY_FIELDS)[number];
const identitySet = new Set<string>(IDENTITY_FIELDS);

export const isIdentityField = (name: string): name is IdentityField => identitySet.has(name);

/** The groups a case record splits into; each accepts the prefixes listed. */
export const GROUPS = {
  /** About the person, stored in plain text: needed for statistics and not identifying on its own. */
  person: ['prs_', 'psg_'],
  victim: ['vic_', 'con_'],
  case: ['cas_'],
  movement: ['hte_'],
  perpetrator: ['per_'],
  supportPlan: ['spl_'],
} as const;
export type Group = keyof typeof GROUPS;

/** Lookups that Passage fills itself (users and people it knows), so input may not set them. */
const SYSTEM_FIELDS = new Set([
  'cas_Status',
  'cas_CaseOwner',
  'cas_ReferringPrimaryCaseWorker',
  'cas_ReferredPrimaryCaseWorker',
  'cas_ReferredOrganisation',
  'cas_ReasonForOutgoingReferral',
  'cas_OutgoingReferralDate',
  'cas_OutgoingReferralDetails',
  'cas_ReasonForCaseClosure',
]);

const TEXT_MAX = 2000;
const LONG_TEXT_MAX = 20000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const languageNames = new Intl.DisplayNames(['en'], { type: 'language', fallback: 'none' });

export interface FieldError {
  field: string;
  reason: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

export function fieldDefinition(name: string): HtcdsField | undefined {
  return htcdsField(name) ?? EXTENSIONS.find((field) => field.name === name);
}

export function isLanguageCode(code: string): boolean {
  return /^[a-z]{2,3}$/.test(code) && languageNames.of(code) !== undefined;
}

export function isIsoDate(text: string): boolean {
  const match = DATE.exec(text);
  if (!match) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text);
}

/**
 * Parses the fields of one group; unknown fields, fields of another group and system fields are errors. The valid
 * fields come back even when others fail, so that checks across fields can still run and report everything at once.
 */
export function parseGroup(group: Group, input: Record<string, unknown>): { value: FieldMap; errors: FieldError[] } {
  const prefixes: readonly string[] = GROUPS[group];
  const value: FieldMap = {};
  const errors: FieldError[] = [];
  for (const [name, raw] of Object.entries(input)) {
    if (raw === null || raw === undefined || raw === '') continue;
    const field = fieldDefinition(name);
    if (!field) {
      errors.push({ field: name, reason: `"${safeName(name)}" is not an HTCDS 2.0 field or a Passage extension.` });
    } else if (!prefixes.some((prefix) => name.startsWith(prefix))) {
      errors.push({ field: name, reason: `${field.label} (${name}) does not belong here.` });
    } else if (SYSTEM_FIELDS.has(name)) {
      errors.push({ field: name, reason: `${field.label} (${name}) is set by Passage, not by input.` });
    } else {
      const parsed = parseValue(field, raw);
      if (typeof parsed === 'string') errors.push({ field: name, reason: parsed });
      else value[name] = parsed.value;
    }
  }
  return { value, errors };
}

/** The stored form of one value, or the reason it is refused. Reasons never repeat identity values. */
export function parseValue(field: HtcdsField, raw: unknown): { value: FieldValue } | string {
  const what = `${field.label} (${field.name})`;
  const identity = isIdentityField(field.name);
  const type = field.type.toLowerCase();
  // HTCDS leaves some country fields as free text; Passage stores every country as an ISO 3166-1 code.
  const standard = field.valueStandard ?? (field.name.endsWith('Country') ? 'ISO 3166' : '');
  const text = raw instanceof Date ? raw.toISOString().slice(0, 10) : raw;

  if (type === 'checkbox') {
    if (typeof text === 'boolean') return { value: text };
    const word = String(text).trim().toLowerCase();
    if (['true', 'yes', '1', 'y'].includes(word)) return { value: true };
    if (['false', 'no', '0', 'n'].includes(word)) return { value: false };
    return `${what} must be true or false.`;
  }
  if (type === 'number' || type === 'geolocation') {
    const number = typeof text === 'number' ? text : Number(String(text).trim());
    if (!Number.isFinite(number) || String(text).trim() === '') return `${what} must be a number.`;
    if (field.name.endsWith('Latitude') && Math.abs(number) > 90) return `${what} must be between -90 and 90.`;
    if (field.name.endsWith('Longitude') && Math.abs(number) > 180) return `${what} must be between -180 and 180.`;
    if (type === 'number' && !field.name.endsWith('itude') && (number < 0 || !Number.isInteger(number))) {
      return `${what} must be a whole number, 0 or more.`;
    }
    return { value: number };
  }

  const parts = Array.isArray(text)
    ? text.map((part) => String(part).trim()).filter(Boolean)
    : type.startsWith('multiselect')
      ? parseMultiSelect(String(text))
      : [String(text).trim()];
  if (parts.some((part) => typeof part !== 'string')) return `${what} must be text.`;
  if (!type.startsWith('multiselect') && Array.isArray(text)) return `${what} takes one value, not a list.`;
  const first = parts[0] ?? '';
  if (first === '') return { value: type.startsWith('multiselect') ? [] : '' };

  if (standard.startsWith('ISO 3166')) {
    const codes = parts.map((part) => part.toUpperCase());
    const bad = codes.find((code) => !isCountryCode(code));
    if (bad !== undefined) return `${what}: "${safeName(bad)}" is not an ISO 3166-1 alpha-2 country code.`;
    return { value: isMultiSelect(field) ? codes : first.toUpperCase() };
  }
  if (standard.startsWith('ISO 639') || type === 'language') {
    const code = first.toLowerCase();
    if (!isLanguageCode(code)) return `${what}: "${safeName(first)}" is not an ISO 639 language code.`;
    return { value: code };
  }
  if (type === 'date') {
    if (!isIsoDate(first)) return `${what} must be a date written YYYY-MM-DD.`;
    if (first > today()) return `${what} cannot be in the future.`;
    return { value: first };
  }
  if (field.name.endsWith('Phone') && field.prefix === 'prs_') {
    try {
      return { value: normalisePhone(first) };
    } catch (error) {
      if (error instanceof InvalidIdentifierError) {
        return `${what} must be an international phone number (E.164, e.g. +39 06 1234 5678).`;
      }
      throw error;
    }
  }
  if (field.name === 'prs_Email' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(first))
    return `${what} is not an email address.`;
  const extensionValues = EXTENSION_VALUES[field.name];
  if (extensionValues && !extensionValues.includes(first)) {
    return `${what}: use one of ${extensionValues.join(', ')}.`;
  }
  if (type.includes('picklist') && !standard && !extensionValues) {
    const check = validateValue(field.name, parts.join(';'));
    if (!check.ok) return check.reason;
  }
  const max = type.startsWith('long') ? LONG_TEXT_MAX : TEXT_MAX;
  if (parts.some((part) => part.length > max)) return `${what} is longer than ${max} characters.`;
  if (type.startsWith('multiselect')) return { value: parts };
  return { value: identity ? first.normalize('NFC') : first };
}

export function today(): string {
  return new Date().toISOString().slice(0, 10);
}

// Field names in errors come from input: quote them only when they look like a field name.
function safeName(text: string): string {
  return /^[A-Za-z0-9_+-]{1,60}$/.test(text) ? text : '(value)';
}
