import { useCallback, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Agency, SessionUser } from '../../api.ts';
import { ScrollingTable } from '../../components/ScrollingTable.tsx';
import { Loaded, useResource } from '../../components/useResource.tsx';
import { DATE_TIME, useCountryName, useDateFormat, useListFormat } from '../../i18n/format.ts';
import { sendableFields } from '../cooperation/referrals/referrals-api.ts';
import { ConsentForm, OverrideForm } from './ConsentForms.tsx';
import { type Case, type Consent, casesApi } from './cases-api.ts';
import { useFieldLabel } from './FieldValues.tsx';
import { Opener } from './Opener.tsx';
import { ReasonForm } from './ReasonForm.tsx';
import { allowsOnCase, useLanguageName } from './vocabulary.ts';

interface ConsentPanelProps {
  found: Case;
  user: SessionUser;
  agencies: Agency[];
  revision: number;
  actorName(actor: string): string;
  onChanged(): void;
}

/** Whether a record still counts: not withdrawn, and not replaced by a later decision for the same purpose. */
function standing(record: Consent, all: Consent[]): 'standing' | 'withdrawn' | 'replaced' {
  if (record.withdrawnAt) return 'withdrawn';
  if (record.decision === 'override') return 'standing';
  const later = all.some(
    (other) =>
      other.purpose === record.purpose &&
      other.decision !== 'override' &&
      other.withdrawnAt === null &&
      other.recordedAt > record.recordedAt,
  );
  return later ? 'replaced' : 'standing';
}

/**
 * The survivor's consent, purpose by purpose: what they decided, how they were informed, what was withdrawn, and any
 * override with its legal basis, which the survivor is always told of.
 */
export function ConsentPanel({ found, user, agencies, revision, actorName, onChanged }: ConsentPanelProps) {
  const { t } = useTranslation();
  const ids = useId();
  const formatTime = useDateFormat(DATE_TIME);
  const country = useCountryName();
  const language = useLanguageName();
  const list = useListFormat();
  const notice = useRef<HTMLParagraphElement>(null);
  const [withdrawing, setWithdrawing] = useState<Consent | null>(null);
  const [withdrawn, setWithdrawn] = useState<string | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new revision of the case means new records to load.
  const consents = useResource(useCallback(() => casesApi.consents(found.id), [found.id, revision]));
  // biome-ignore lint/correctness/useExhaustiveDependencies: as above.
  const notices = useResource(useCallback(() => casesApi.notices(found.id), [found.id, revision]));
  const canRecord = allowsOnCase(user, 'consent.record', found);
  const canOverride = allowsOnCase(user, 'consent.override', found);
  const agencyName = (id: string) => agencies.find((agency) => agency.id === id)?.name ?? id;
  const fieldLabel = useFieldLabel();
  const { identity, details } = sendableFields(found);
  const shareable = [...identity, ...details];

  useEffect(() => {
    if (withdrawn) notice.current?.focus();
  }, [withdrawn]);

  const scopeText = (record: Consent) => {
    const countries = record.scope.countries ?? [];
    const scoped = record.scope.agencies ?? [];
    const fields = record.scope.fields ?? [];
    const uses = record.scope.purposes ?? [];
    return [
      ...(uses.length > 0
        ? [t('sharing.forUses', { list: list(uses.map((use) => t(`cooperation.referrals.purposes.${use}`))) })]
        : []),
      countries.length > 0 ? t('consent.inCountries', { list: list(countries.map(country)) }) : t('consent.anyCountry'),
      scoped.length > 0 ? t('consent.forAgencies', { list: list(scoped.map(agencyName)) }) : t('consent.anyAgency'),
      ...(fields.length > 0 ? [t('consent.onlyFields', { list: list(fields.map(fieldLabel)) })] : []),
    ].join(' · ');
  };

  return (
    <section id="consent" aria-labelledby={`${ids}-title`} className="section">
      <h2 id={`${ids}-title`}>{t('consent.title')}</h2>
      <p>{t('consent.intro')}</p>
      <p ref={notice} role="status" tabIndex={-1} className={withdrawn ? 'notice' : undefined}>
        {withdrawn}
      </p>
      <Loaded resource={consents}>
        {(records) =>
          records.length === 0 ? (
            <p>{t('consent.none')}</p>
          ) : (
            <ScrollingTable caption={t('consent.caption', { count: records.length })}>
              <thead>
                <tr>
                  <th scope="col">{t('consent.purpose')}</th>
                  <th scope="col">{t('consent.decision')}</th>
                  <th scope="col">{t('consent.scope')}</th>
                  <th scope="col">{t('consent.how')}</th>
                  <th scope="col">{t('consent.recorded')}</th>
                  <th scope="col">{t('consent.status')}</th>
                </tr>
              </thead>
              <tbody>
                {records.map((record) => {
                  const state = standing(record, records);
                  return (
                    <tr key={record.id}>
                      <th scope="row">{t(`consentPurposes.${record.purpose}`)}</th>
                      <td className={`decision-${record.decision}`}>
                        {t(`consentDecisions.${record.decision}`)}
                        {record.legalBasis && <blockquote>{record.legalBasis}</blockquote>}
                      </td>
                      <td>{scopeText(record)}</td>
                      <td>
                        {record.method ? t(`consentMethods.${record.method}`) : '—'}
                        {record.language && (
                          <>
                            <br />
                            {t('consent.inLanguage', { language: language(record.language) })}
                          </>
                        )}
                        {record.interpreter && record.method !== 'verbal_with_interpreter' && (
                          <>
                            <br />
                            {t('consent.withInterpreter')}
                          </>
                        )}
                      </td>
                      <td>
                        <time dateTime={record.recordedAt}>{formatTime(record.recordedAt)}</time>
                        <br />
                        {t('consent.by', { name: actorName(record.recordedBy) })}
                      </td>
                      <td>
                        {state === 'withdrawn' && record.withdrawnAt
                          ? t('consent.withdrawnOn', { date: formatTime(record.withdrawnAt) })
                          : t(`consent.${state}`)}
                        {record.withdrawalReason && <blockquote>{record.withdrawalReason}</blockquote>}
                        {state === 'standing' && record.decision !== 'refused' && canRecord && (
                          <button
                            type="button"
                            className="button secondary small"
                            onClick={() => {
                              setWithdrawn(null);
                              setWithdrawing(record);
                            }}
                          >
                            {t('consent.withdraw')}
                            <span className="visually-hidden"> {t(`consentPurposes.${record.purpose}`)}</span>
                          </button>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </ScrollingTable>
          )
        }
      </Loaded>
      {withdrawing && (
        <ReasonForm
          title={t('consent.withdrawTitle', { purpose: t(`consentPurposes.${withdrawing.purpose}`) })}
          label={t('consent.withdrawReason')}
          submit={t('consent.withdraw')}
          pending={t('stageBar.saving')}
          onCancel={() => setWithdrawing(null)}
          onSubmit={async (reason) => {
            await casesApi.withdrawConsent(found.id, withdrawing.id, reason);
            setWithdrawing(null);
            setWithdrawn(t('consent.withdrawnNotice', { purpose: t(`consentPurposes.${withdrawing.purpose}`) }));
            onChanged();
          }}
        />
      )}
      <Loaded resource={notices}>
        {(owed) =>
          owed.length > 0 && (
            <div className="subsection">
              <h3>{t('consent.noticesTitle')}</h3>
              <p className="hint">{t('consent.noticesIntro')}</p>
              <ul>
                {owed.map((owedNotice) => (
                  <li key={owedNotice.id}>
                    <time dateTime={owedNotice.createdAt}>{formatTime(owedNotice.createdAt)}</time>
                    {' · '}
                    {owedNotice.kind === 'consent_overridden'
                      ? t('consent.noticeOverride', {
                          purpose: t(`consentPurposes.${owedNotice.data.purpose as Consent['purpose']}`),
                        })
                      : owedNotice.kind}
                  </li>
                ))}
              </ul>
            </div>
          )
        }
      </Loaded>
      {canRecord && (
        <Opener label={t('consent.open')}>
          <ConsentForm
            caseId={found.id}
            agencies={agencies}
            shareable={shareable}
            language={found.survivor.attributes.prs_PrimaryLanguage as string | undefined}
            onRecorded={onChanged}
          />
        </Opener>
      )}
      {canOverride && (
        <Opener label={t('consent.openOverride')}>
          <OverrideForm caseId={found.id} agencies={agencies} shareable={shareable} onRecorded={onChanged} />
        </Opener>
      )}
    </section>
  );
}
