import { XB_PURPOSES, type XbPurpose } from './cross-border.ts';

/**
 * Consent decides what Passage may do with a survivor's data beyond the agency that collected it. The latest
 * standing decision (granted or refused) for a purpose counts; a withdrawn record no longer counts. An override,
 * recorded with a legal basis by an authorised role, covers a use the survivor did not consent to and is always
 * disclosed to them.
 */
export const CONSENT_PURPOSES = [
  'services',
  'sharing_in_country',
  'sharing_cross_border',
  'linkage',
  'research',
] as const;
export type ConsentPurpose = (typeof CONSENT_PURPOSES)[number];

/** The consents that let a survivor's data go to another agency or country: each names the uses it covers. */
export const SHARING_CONSENTS = [
  'sharing_in_country',
  'sharing_cross_border',
] as const satisfies readonly ConsentPurpose[];
export const isSharingConsent = (purpose: string) => (SHARING_CONSENTS as readonly string[]).includes(purpose);

/**
 * What a share is for: a referral (in the country or across a border) names one, and the survivor's consent to sharing
 * must name it too. The same four as a cross-border referral's purposes.
 */
export const SHARING_PURPOSES = XB_PURPOSES;
export type SharingPurpose = XbPurpose;

/**
 * What the disclosure log records: a view, share or export of the survivor's identity, and the end of a share: its
 * withdrawal by the sender, its erasure by the receiver, and the receiving node's signed confirmation of the erasure.
 */
export const DISCLOSURE_KINDS = ['view', 'share', 'export', 'withdrawal', 'erasure', 'erasure_confirmed'] as const;
export type DisclosureKind = (typeof DISCLOSURE_KINDS)[number];

export const CONSENT_METHODS = ['verbal_with_interpreter', 'verbal', 'written', 'digital'] as const;
export type ConsentMethod = (typeof CONSENT_METHODS)[number];

export interface ConsentScope {
  /** Agencies the survivor agreed to; empty or absent: any agency, within the countries. */
  agencies?: string[];
  /** ISO 3166-1 alpha-2 countries; empty or absent: any country. */
  countries?: string[];
  /**
   * HTCDS field names the survivor agreed to share (cross-border referrals); empty or absent: any field. Checked
   * apart from the target (`uncoveredFields`), since a refusal must name the fields.
   */
  fields?: string[];
  /**
   * For consent to sharing: the uses it covers (SHARING_PURPOSES). Required when consent to sharing is recorded; a
   * record without it covers no use (records from before purposes existed were given theirs by migration 0016).
   */
  purposes?: SharingPurpose[];
}

export interface ConsentRecord {
  id: string;
  purpose: ConsentPurpose;
  decision: 'granted' | 'refused' | 'override';
  scope: ConsentScope;
  method: ConsentMethod | null;
  language: string | null;
  interpreter: boolean;
  legalBasis: string | null;
  recordedBy: string;
  recordedAt: string;
  withdrawnAt: string | null;
  withdrawnBy: string | null;
  withdrawalReason: string | null;
}

export interface ConsentTarget {
  agencyId?: string;
  country?: string;
  /** What the share is for: only a record that names it covers the share. */
  use?: SharingPurpose;
}

export type Coverage = { covered: true; basis: 'consent' | 'override'; recordId: string } | { covered: false };

function inScope(scope: ConsentScope, target: ConsentTarget): boolean {
  const agencies = scope.agencies ?? [];
  const countries = scope.countries ?? [];
  if (agencies.length > 0 && (!target.agencyId || !agencies.includes(target.agencyId))) return false;
  if (countries.length > 0 && (!target.country || !countries.includes(target.country))) return false;
  if (target.use !== undefined && !(scope.purposes ?? []).includes(target.use)) return false;
  return true;
}

/** Whether the survivor's consent (or a recorded override) covers `purpose` towards `target`. */
export function consentCovers(
  records: readonly ConsentRecord[],
  purpose: ConsentPurpose,
  target: ConsentTarget = {},
): Coverage {
  const standing = records
    .filter((r) => r.purpose === purpose && r.withdrawnAt === null)
    .sort((a, b) => a.recordedAt.localeCompare(b.recordedAt));
  const latest = standing.filter((r) => r.decision !== 'override').at(-1);
  if (latest?.decision === 'granted' && inScope(latest.scope, target)) {
    return { covered: true, basis: 'consent', recordId: latest.id };
  }
  const override = standing.find((r) => r.decision === 'override' && inScope(r.scope, target));
  return override ? { covered: true, basis: 'override', recordId: override.id } : { covered: false };
}

/** The fields among `fields` that the record behind `coverage` does not let be shared (none when it names none). */
export function uncoveredFields(records: readonly ConsentRecord[], coverage: Coverage, fields: readonly string[]) {
  if (!coverage.covered) return [...fields];
  const allowed = records.find((r) => r.id === coverage.recordId)?.scope.fields ?? [];
  return allowed.length === 0 ? [] : fields.filter((field) => !allowed.includes(field));
}

/**
 * Why a share is not covered, for a refusal that says what to do: `purpose` when a standing record covers the agency
 * or country but not the use (the survivor agreed to sharing, for other purposes), `consent` otherwise.
 */
export function missingCoverage(
  records: readonly ConsentRecord[],
  purpose: ConsentPurpose,
  target: ConsentTarget,
): 'purpose' | 'consent' {
  const { use: _use, ...elsewhere } = target;
  return target.use !== undefined && consentCovers(records, purpose, elsewhere).covered ? 'purpose' : 'consent';
}
