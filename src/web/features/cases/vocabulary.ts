/**
 * The words of case work as the server defines them: stages, consent purposes and methods, HTCDS picklists, and who
 * may do what. Everything comes from the vocabularies the node shares (src/shared), so the app offers exactly what
 * the node accepts.
 */
import { useCallback, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import {
  DEFAULT_SHARED_FIELDS,
  SERVICE_STATUSES,
  SERVICE_TYPE_EXTENSIONS,
  SERVICE_TYPES,
} from '../../../shared/care.ts';
import { IDENTITY_FIELDS } from '../../../shared/case-fields.ts';
import { CONSENT_METHODS, CONSENT_PURPOSES } from '../../../shared/consent.ts';
import { isCountryCode } from '../../../shared/countries.ts';
import { htcdsField, picklistValues } from '../../../shared/htcds.ts';
import { STAGES, TRANSITIONS } from '../../../shared/lifecycle.ts';
import { type Action, type Actor, agenciesFor, can, PURPOSES, type Purpose, RULES } from '../../../shared/policy.ts';
import { RISK_LEVELS } from '../../../shared/risk.ts';
import type { SessionUser } from '../../api.ts';

export {
  CONSENT_METHODS,
  CONSENT_PURPOSES,
  DEFAULT_SHARED_FIELDS,
  IDENTITY_FIELDS,
  RISK_LEVELS,
  SERVICE_STATUSES,
  SERVICE_TYPES,
  STAGES,
  TRANSITIONS,
};
export type ConsentPurpose = (typeof CONSENT_PURPOSES)[number];
export type ConsentMethod = (typeof CONSENT_METHODS)[number];

export const isPurpose = (value: unknown): value is Purpose => (PURPOSES as readonly unknown[]).includes(value);
export const isConsentPurpose = (value: unknown): value is ConsentPurpose =>
  (CONSENT_PURPOSES as readonly unknown[]).includes(value);
export const isStage = (value: unknown): value is (typeof STAGES)[number] =>
  (STAGES as readonly unknown[]).includes(value);

/** The purposes for which a survivor's identity may be revealed. */
export const IDENTITY_PURPOSES = RULES['survivor.read_identity'].purposes;

/** The HTCDS picklists the app shows; each value has a translation in every locale (see htcds-labels.test.ts). */
export const TRANSLATED_PICKLISTS = [
  'prs_Gender',
  'vic_TraffickingStatus',
  'vic_TraffickingStatusDecisionMakingOrg',
  'vic_TypeOfExploitation',
  'vic_MethodsOfControl',
  'hte_Type',
  'spl_Type',
] as const;
export type TranslatedPicklist = (typeof TRANSLATED_PICKLISTS)[number];

export const picklist = (field: TranslatedPicklist): readonly string[] => picklistValues(field);

/** The label of an HTCDS value in the chosen language, else the standard's English label, else the value's name. */
export function useHtcdsLabel(): (field: string, value: string) => string {
  const { t, i18n } = useTranslation();
  return useCallback(
    (field: string, value: string) => {
      const key = `htcds.${field}.${value}`;
      if (i18n.exists(key)) return t(key as never);
      // Passage's own picklists (psg_ImmigrationStatus, psg_DocumentType) are labelled under caseValues.
      const own = `caseValues.${field}.${value}`;
      if (i18n.exists(own)) return t(own as never);
      return htcdsField(field)?.values?.find((v) => v.name === value)?.label ?? value;
    },
    [t, i18n],
  );
}

/** The label of a service type: the standard's value, or one of Passage's additions. */
export function useServiceTypeLabel(): (type: string) => string {
  const { t } = useTranslation();
  const htcds = useHtcdsLabel();
  return useCallback(
    (type: string) =>
      (SERVICE_TYPE_EXTENSIONS as readonly string[]).includes(type)
        ? t(`serviceTypes.${type as (typeof SERVICE_TYPE_EXTENSIONS)[number]}`)
        : htcds('spl_Type', type),
    [t, htcds],
  );
}

/** ISO 3166-1 alpha-2 codes as the server knows them. */
export const COUNTRY_CODES: readonly string[] = Array.from({ length: 26 * 26 }, (_, i) =>
  String.fromCharCode(65 + Math.floor(i / 26), 65 + (i % 26)),
).filter(isCountryCode);

/**
 * Languages offered for a survivor (HTCDS asks for ISO 639-2 codes): those of the countries of origin and destination
 * Passage's agencies meet most, and the languages of the interface. The server accepts any ISO 639 code.
 */
export const LANGUAGE_CODES = [
  'ara',
  'ben',
  'bul',
  'ces',
  'deu',
  'ell',
  'eng',
  'fas',
  'fra',
  'hau',
  'hin',
  'hun',
  'hye',
  'ibo',
  'ita',
  'kat',
  'kur',
  'lit',
  'lav',
  'mkd',
  'nep',
  'pan',
  'pol',
  'por',
  'prs',
  'pus',
  'rom',
  'ron',
  'rus',
  'slk',
  'som',
  'spa',
  'sqi',
  'srp',
  'swa',
  'tgl',
  'tha',
  'tir',
  'tur',
  'ukr',
  'urd',
  'uzb',
  'vie',
  'wol',
  'yor',
  'zho',
] as const;

export interface Option {
  value: string;
  label: string;
}

function sortedOptions(codes: readonly string[], name: (code: string) => string, language: string): Option[] {
  const collator = new Intl.Collator(language);
  return codes.map((code) => ({ value: code, label: name(code) })).sort((a, b) => collator.compare(a.label, b.label));
}

/** Countries by their names in the chosen language, in its alphabetical order. */
export function useCountryOptions(): Option[] {
  const { i18n } = useTranslation();
  return useMemo(() => {
    const names = new Intl.DisplayNames(i18n.language, { type: 'region', fallback: 'code' });
    return sortedOptions(COUNTRY_CODES, (code) => names.of(code) ?? code, i18n.language);
  }, [i18n.language]);
}

export function useLanguageName(): (code: string) => string {
  const { i18n } = useTranslation();
  return useMemo(() => {
    const names = new Intl.DisplayNames(i18n.language, { type: 'language', fallback: 'code' });
    return (code: string) => names.of(code) ?? code;
  }, [i18n.language]);
}

/** The offered languages, and `also` (a language already on record) when it is not one of them. */
export function useLanguageOptions(also?: string): Option[] {
  const { i18n } = useTranslation();
  const name = useLanguageName();
  return useMemo(() => {
    const codes: readonly string[] = LANGUAGE_CODES;
    return sortedOptions(also && !codes.includes(also) ? [...codes, also] : codes, name, i18n.language);
  }, [name, i18n.language, also]);
}

const actorOf = (user: SessionUser): Actor => ({
  kind: 'user',
  userId: user.id,
  memberships: user.roles.map((grant) => ({ role: grant.role, agencyId: grant.agencyId })),
});

/** Whether the policy lets the signed-in user do `action` on a resource of `agencyId`; the server decides again. */
export function allows(user: SessionUser, action: Action, agencyId: string | null, purpose?: Purpose): boolean {
  return can(actorOf(user), action, { agencyId }, purpose).allowed;
}

/**
 * Whether the user may do `action` on a case they have open. A case page opens only when the node lets the user read
 * the case: in their own agency, or in an agency that accepted a referral of it; for the latter, the rule's `shared`
 * flag says what they may do, so the user's agencies count as the ones it is shared with.
 */
export function allowsOnCase(
  user: SessionUser,
  action: Action,
  found: { agencyId: string; ownerId?: string | null },
  purpose?: Purpose,
): boolean {
  const sharedWith = user.roles.flatMap((grant) => (grant.agencyId ? [grant.agencyId] : []));
  // The assignee decides for grants narrowed to own cases; for a team's, the session names the user's teams with their
  // members, so the assignee's teams among them are known here too.
  const assignedTo = found.ownerId ?? null;
  const assignedTeams = (user.teams ?? []).filter((t) => assignedTo && t.members.includes(assignedTo)).map((t) => t.id);
  const resource = { agencyId: found.agencyId, sharedWith, assignedTo, assignedTeams };
  return can(actorOf(user), action, resource, purpose).allowed;
}

/** The agencies in which the user may do `action`: null when a node-wide role allows it in all of them. */
export const agenciesWhere = (user: SessionUser, action: Action): string[] | null => agenciesFor(actorOf(user), action);

/** How the timeline and the logs name people: `user:<id>` references, the signed-in user as themselves. */
export const isSelf = (user: SessionUser, actor: string) => actor === `user:${user.id}`;
