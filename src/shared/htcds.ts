// The HTCDS 2.0 vocabulary: field names and picklist values that case records use exactly as the standard spells them.
// Derived from the Human Trafficking Case Data Standard 2.0 by IOM, CC BY 4.0. Regenerate htcds-fields.json with
// `node scripts/htcds-vocabulary.ts`.
import fields from './htcds-fields.json' with { type: 'json' };

export const HTCDS_PREFIXES = ['org_', 'prs_', 'vic_', 'per_', 'cas_', 'cco_', 'hte_', 'spl_', 'con_'] as const;
export type HtcdsPrefix = (typeof HTCDS_PREFIXES)[number];

export interface HtcdsValue {
  /** System identifier, e.g. `ForcedLabour`. */
  name: string;
  /** English label, e.g. `Forced Labour`. */
  label: string;
}

export interface HtcdsField {
  /** Name including its prefix, e.g. `vic_TypeOfExploitation`. */
  name: string;
  prefix: string;
  section: string;
  /** `DRAFT` or `DEPRECATED` in HTCDS 2.0. */
  status: string;
  label: string;
  /** As the standard writes it: `Picklist`, `Multiselect Picklist`, `Text`, `Date`, `Lookup [to person]`, … */
  type: string;
  core: boolean;
  values?: HtcdsValue[];
  /** The external code list the standard defers to instead of listing values, e.g. `ISO 3166`, `ISO 639-2`. */
  valueStandard?: string;
}

export type ValueCheck = { ok: true } | { ok: false; reason: string };

export const HTCDS_FIELDS: readonly HtcdsField[] = fields;

const byName = new Map(HTCDS_FIELDS.map((field) => [field.name, field]));
const valueNames = new Map(HTCDS_FIELDS.map((field) => [field.name, (field.values ?? []).map((value) => value.name)]));

export function htcdsField(name: string): HtcdsField | undefined {
  return byName.get(name);
}

export function isMultiSelect(field: HtcdsField): boolean {
  return field.type.toLowerCase().startsWith('multiselect');
}

/** The value names of a picklist field; empty for unknown fields and fields without a listed vocabulary. */
export function picklistValues(name: string): readonly string[] {
  return valueNames.get(name) ?? [];
}

export function isPicklistValue(name: string, value: string): boolean {
  return picklistValues(name).includes(value);
}

/** The toolkit stores a multi-select answer as value names separated by `;`. */
export function parseMultiSelect(value: string): string[] {
  return value
    .split(';')
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

// Input may be free text typed into the wrong place: quote it back only when it looks like a value name.
const quoted = (value: string, otherwise: string): string =>
  /^[A-Za-z0-9_]{1,40}$/.test(value) ? `"${value}"` : otherwise;

/**
 * Checks a value against the field's listed vocabulary. Fields without one (text, dates, ISO-coded fields) are
 * accepted here; their format is checked where they are used.
 */
export function validateValue(name: string, value: string): ValueCheck {
  const field = byName.get(name);
  if (!field) return { ok: false, reason: `${quoted(name, 'The field')} is not a field of the HTCDS 2.0 standard.` };
  const allowed = picklistValues(name);
  if (allowed.length === 0) return { ok: true };
  const parts = isMultiSelect(field) ? parseMultiSelect(value) : [value.trim()];
  if (parts.length === 0 || parts[0] === '') {
    return { ok: false, reason: `${field.label} (${name}) needs at least one of its listed values.` };
  }
  if (parts.length > 1 && new Set(parts).size !== parts.length) {
    return { ok: false, reason: `${field.label} (${name}) lists the same value more than once.` };
  }
  const unknown = parts.find((part) => !allowed.includes(part));
  if (unknown !== undefined) {
    const hint = isMultiSelect(field) ? ' Separate several values with ";".' : '';
    return {
      ok: false,
      reason: `${quoted(unknown, 'A value')} is not one of the values HTCDS lists for ${field.label} (${name}).${hint}`,
    };
  }
  return { ok: true };
}
