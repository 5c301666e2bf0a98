/**
 * The checks of a consent record's purpose and scope before it is stored (survivors.service.ts records it): pure
 * rules, no I/O.
 */
import { AppError, invalid } from '../../lib/errors.ts';
import { fieldDefinition } from '../../shared/case-fields.ts';
import {
  CONSENT_PURPOSES,
  type ConsentPurpose,
  type ConsentScope,
  isSharingConsent,
  SHARING_PURPOSES,
  type SharingPurpose,
} from '../../shared/consent.ts';
import { isCountryCode } from '../../shared/countries.ts';

export function checkPurpose(purpose: string): ConsentPurpose {
  if (!(CONSENT_PURPOSES as readonly string[]).includes(purpose)) {
    throw invalid(`"${purpose}" is not a consent purpose. Use one of ${CONSENT_PURPOSES.join(', ')}.`);
  }
  return purpose as ConsentPurpose;
}

/**
 * The scope checked. Consent to sharing that lets something go names the uses it covers: in-country sharing, when it
 * names none, covers services (what an in-country referral was for before referrals named a purpose); cross-border
 * sharing must name them, since the receiving country may prosecute as well as protect.
 */
export function checkScope(purpose: ConsentPurpose, scope: ConsentScope | undefined, lets: boolean): ConsentScope {
  const countries = (scope?.countries ?? []).map((c) => c.toUpperCase());
  const bad = countries.find((c) => !isCountryCode(c));
  if (bad) throw invalid('Consent scope countries must be ISO 3166-1 alpha-2 codes.');
  const fields = [...new Set(scope?.fields ?? [])];
  const unknown = fields.filter((name) => !fieldDefinition(name));
  if (unknown.length > 0) {
    throw invalid(`Consent scope fields must be HTCDS field names; not: ${unknown.join(', ').slice(0, 300)}.`);
  }
  const purposes = [...new Set(scope?.purposes ?? [])];
  const wrong = purposes.filter((p) => !(SHARING_PURPOSES as readonly string[]).includes(p));
  if (wrong.length > 0) {
    throw invalid(
      `Consent scope purposes are among ${SHARING_PURPOSES.join(', ')}; not: ${wrong.join(', ').slice(0, 200)}.`,
    );
  }
  if (purposes.length > 0 && !isSharingConsent(purpose)) {
    throw invalid('Only consent to sharing (in the country or across borders) names the purposes of a share.');
  }
  if (lets && purposes.length === 0 && purpose === 'sharing_in_country') purposes.push('services');
  if (lets && purposes.length === 0 && purpose === 'sharing_cross_border') {
    throw new AppError(
      'consent_purposes_required',
      400,
      `Consent to sharing across borders names what the sharing is for (scope.purposes: ${SHARING_PURPOSES.join(', ')}).`,
    );
  }
  return {
    agencies: scope?.agencies ?? [],
    countries,
    ...(fields.length > 0 ? { fields } : {}),
    ...(purposes.length > 0 ? { purposes: purposes as SharingPurpose[] } : {}),
  };
}
