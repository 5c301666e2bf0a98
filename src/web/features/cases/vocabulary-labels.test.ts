/**
 * Every enumerated value the app shows has a label in each of the eight locales (issue 15: `IrregularMigrant`, "rom",
 * `passage.mla.update` and Arabic labels left in English were shown to users). A new value without its labels, or a
 * vocabulary whose Arabic labels are still in Latin letters, fails here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REFERRAL_STATUSES, SERVICE_STATUSES, SERVICE_TYPE_EXTENSIONS } from '../../../shared/care.ts';
import { fieldDefinition } from '../../../shared/case-fields.ts';
import { CONSENT_METHODS, CONSENT_PURPOSES, DISCLOSURE_KINDS, SHARING_PURPOSES } from '../../../shared/consent.ts';
import { XB_KINDS, XB_STATUSES } from '../../../shared/cross-border.ts';
import {
  CUSTODY_EVENTS,
  EVIDENCE_TYPES,
  HANDLING_CODES,
  INFORMATION_ACCURACY,
  PERMISSION_PURPOSES,
  SOURCE_RELIABILITY,
  TRANSFORMATIONS,
} from '../../../shared/evidence.ts';
import { MESSAGE_REJECTIONS } from '../../../shared/federation.ts';
import { picklistValues } from '../../../shared/htcds.ts';
import { STAGES } from '../../../shared/lifecycle.ts';
import { ALERT_STATUSES, GROUP_SCHEMAS, RECORD_KINDS } from '../../../shared/linkage.ts';
import { MESSAGE_TYPES, messageTypeKey } from '../../../shared/message-types.ts';
import { CLOCK_NAMES } from '../../../shared/mla-clocks.ts';
import { MEASURES, MLA_STATES, PERSON_ROLES, SIDES } from '../../../shared/mla-states.ts';
import { ORG_TYPES } from '../../../shared/org-types.ts';
import { PURPOSES, REACHES, ROLES } from '../../../shared/policy.ts';
import { RISK_LEVELS } from '../../../shared/risk.ts';
import { LANGUAGES } from '../../i18n/i18n.ts';
import { LANGUAGE_CODES, TRANSLATED_PICKLISTS } from './vocabulary.ts';

type Tree = { [key: string]: string | Tree };
const locale = (code: string) =>
  JSON.parse(readFileSync(new URL(`../../i18n/locales/${code}.json`, import.meta.url), 'utf8')) as Tree;
const lookup = (tree: Tree, key: string): unknown =>
  key.split('.').reduce<unknown>((at, part) => (at as Tree | undefined)?.[part], tree);

/** Each vocabulary the app shows, with the locale keys of its labels. */
const VOCABULARIES: (readonly [string, readonly (string | number)[], (value: string) => string])[] = [
  ['stages', STAGES, (v) => `stages.${v}`],
  ['roles', ROLES, (v) => `roles.${v}`],
  ['reaches', REACHES, (v) => `users.reaches.${v}`],
  ['purposes', PURPOSES, (v) => `purposes.${v}`],
  ['orgTypes', ORG_TYPES, (v) => `orgTypes.${v}`],
  ['consentPurposes', CONSENT_PURPOSES, (v) => `consentPurposes.${v}`],
  ['consentMethods', CONSENT_METHODS, (v) => `consentMethods.${v}`],
  ['consentDecisions', ['granted', 'refused', 'override'], (v) => `consentDecisions.${v}`],
  ['disclosureKinds', DISCLOSURE_KINDS, (v) => `disclosures.kinds.${v}`],
  ['riskLevels', RISK_LEVELS, (v) => `risk.levels.${v}`],
  ['serviceStatuses', SERVICE_STATUSES, (v) => `services.statuses.${v}`],
  ['serviceTypeExtensions', SERVICE_TYPE_EXTENSIONS, (v) => `serviceTypes.${v}`],
  ['referralStatuses', REFERRAL_STATUSES, (v) => `referrals.statuses.${v}`],
  ['sharingPurposes', SHARING_PURPOSES, (v) => `cooperation.referrals.purposes.${v}`],
  ['crossBorderKinds', XB_KINDS, (v) => `cooperation.referrals.kinds.${v}`],
  ['crossBorderStatuses', XB_STATUSES, (v) => `cooperation.referrals.statuses.${v}`],
  ['evidenceTypes', EVIDENCE_TYPES, (v) => `evidence.types.${v}`],
  ['handlingCodes', HANDLING_CODES, (v) => `evidence.handling.${v}`],
  ['sourceReliability', SOURCE_RELIABILITY, (v) => `evidence.reliability.${v}`],
  ['informationAccuracy', INFORMATION_ACCURACY, (v) => `evidence.accuracy.${v}`],
  ['transformations', TRANSFORMATIONS, (v) => `evidence.transformations.${v}`],
  ['custodyEvents', CUSTODY_EVENTS, (v) => `evidence.events.${v}`],
  ['permissionPurposes', PERMISSION_PURPOSES, (v) => `cooperation.transfers.permissionPurposes.${v}`],
  ['mlaStates', MLA_STATES, (v) => `cooperation.mla.states.${v}`],
  ['mlaSides', SIDES, (v) => `cooperation.mla.sides.${v}`],
  ['mlaMeasures', MEASURES, (v) => `cooperation.mla.measures.${v}`],
  ['mlaPersonRoles', PERSON_ROLES, (v) => `cooperation.mla.roles.${v}`],
  ['mlaClocks', CLOCK_NAMES, (v) => `cooperation.mla.clock.names.${v}`],
  ['linkageStatuses', ALERT_STATUSES, (v) => `linkage.statuses.${v}`],
  ['linkageSchemas', GROUP_SCHEMAS, (v) => `linkage.schemas.${v}`],
  ['linkageRecordKinds', RECORD_KINDS, (v) => `linkage.recordKinds.${v}`],
  ['messageRejections', MESSAGE_REJECTIONS, (v) => `peers.reasons.${v}`],
  ['messageTypes', MESSAGE_TYPES, (v) => messageTypeKey(v as (typeof MESSAGE_TYPES)[number])],
  ...(['psg_ImmigrationStatus', 'psg_DocumentType'] as const).map(
    (field) =>
      [
        field,
        (fieldDefinition(field)?.values ?? []).map((v) => v.name),
        (v: string) => `caseValues.${field}.${v}`,
      ] as const,
  ),
  ...TRANSLATED_PICKLISTS.map((field) => [field, picklistValues(field), (v: string) => `htcds.${field}.${v}`] as const),
];

const english = locale('en');
const ARABIC = /[\u0600-\u06FF]/;
/** An English label that is a code or a name (`H0`, `A`, `1`) stays as it is in every script. */
const isWord = (label: string) => /[A-Za-z]{3,}/.test(label) && !/^[A-Z0-9]{1,4}\b/.test(label);

describe('labels of enumerated values', () => {
  it.each(LANGUAGES.map((language) => language.code))('are all there in %s', (code) => {
    const labels = locale(code);
    const missing: string[] = [];
    const untranslated: string[] = [];
    for (const [, values, keyOf] of VOCABULARIES) {
      for (const value of values) {
        const key = keyOf(String(value));
        const label = lookup(labels, key);
        if (typeof label !== 'string' || label === '') missing.push(key);
        else if (code === 'ar' && !ARABIC.test(label) && isWord(String(lookup(english, key) ?? ''))) {
          untranslated.push(`${key}: ${label}`);
        }
      }
    }
    expect(missing).toEqual([]);
    expect(untranslated).toEqual([]);
  });

  it('cover every language offered for a survivor, by the browser’s names or the locales’ own', () => {
    const unnamed = LANGUAGE_CODES.filter((code) => {
      const name = new Intl.DisplayNames('en', { type: 'language', fallback: 'code' }).of(code);
      return (
        name === code &&
        LANGUAGES.some((language) => typeof lookup(locale(language.code), `languages.${code}`) !== 'string')
      );
    });
    expect(unnamed).toEqual([]);
  });

  it('cover every federation message type the modules send', () => {
    const sources = join(import.meta.dirname, '../../../modules');
    const sent = new Set<string>();
    for (const module of readdirSync(sources)) {
      for (const file of readdirSync(join(sources, module)).filter((name) =>
        /\.(messages|inbound|service)\.ts$/.test(name),
      )) {
        for (const match of readFileSync(join(sources, module, file), 'utf8').matchAll(
          /'(passage\.[a-z_]+(?:\.[a-z_]+)*)'/g,
        )) {
          sent.add(match[1] as string);
        }
      }
    }
    expect([...sent].filter((type) => !(MESSAGE_TYPES as readonly string[]).includes(type))).toEqual([]);
  });
});
