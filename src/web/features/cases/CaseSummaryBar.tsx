import { useTranslation } from 'react-i18next';
import type { Action } from '../../../shared/policy.ts';
import type { SessionUser } from '../../api.ts';
import { DATE, useDateFormat, useListFormat } from '../../i18n/format.ts';
import { isolate } from '../../i18n/i18n.ts';
import type { Case, CaseOverview } from './cases-api.ts';
import { FieldValueText } from './FieldValues.tsx';
import { allowsOnCase, isConsentPurpose, RISK_LEVELS } from './vocabulary.ts';

const isRiskLevel = (value: unknown): value is (typeof RISK_LEVELS)[number] =>
  (RISK_LEVELS as readonly unknown[]).includes(value);

/**
 * Where the case stands, kept in view above its sections: stage, risk, next deadline, consent, open referrals, evidence. A part the
 * server left out (the user's roles do not let her read it) is not shown at all.
 */
export function CaseSummaryBar({
  overview,
  actorName,
  agencyName,
}: {
  overview: CaseOverview;
  actorName(actor: string): string;
  agencyName(id: string): string;
}) {
  const { t } = useTranslation();
  const formatDate = useDateFormat(DATE);
  const list = useListFormat();
  const { case: found, summary } = overview;
  const consentText = (consents: NonNullable<CaseOverview['summary']['consents']>) =>
    consents.length === 0
      ? t('casePage.summary.noConsent')
      : list(
          consents.map((c) =>
            t('casePage.summary.consentState', {
              purpose: isConsentPurpose(c.purpose) ? t(`consentPurposes.${c.purpose}`) : c.purpose,
              decision: t(`consentDecisions.${c.decision}`),
            }),
          ),
        );
  return (
    <section aria-label={t('casePage.summary.title')} className="case-summary">
      <dl className="facts summary-facts" data-testid="case-summary">
        <div>
          <dt>{t('cases.stage')}</dt>
          <dd data-part="stage">
            {t(`stages.${found.stage}`)} · {t('cases.since', { date: formatDate(found.stageSince) })}
          </dd>
        </div>
        {summary.riskLevel !== undefined && (
          <div>
            <dt>{t('casePage.summary.risk')}</dt>
            <dd data-part="risk">
              {isRiskLevel(summary.riskLevel)
                ? t(`risk.levels.${summary.riskLevel}`)
                : t('casePage.summary.notAssessed')}
            </dd>
          </div>
        )}
        <div>
          <dt>{t('caseList.nextDeadline')}</dt>
          <dd data-part="deadline">
            {summary.nextDeadline
              ? `${formatDate(summary.nextDeadline.at)} · ${t(`caseList.deadlineKinds.${summary.nextDeadline.kind}`)}`
              : t('casePage.summary.noDeadline')}
          </dd>
        </div>
        {summary.consents && (
          <div>
            <dt>{t('casePage.summary.consent')}</dt>
            <dd data-part="consent">{consentText(summary.consents)}</dd>
          </div>
        )}
        {summary.openReferrals && (
          <div>
            <dt>{t('casePage.summary.referrals')}</dt>
            <dd data-part="referrals">
              {list([
                ...(summary.openReferrals.inCountry !== undefined
                  ? [t('casePage.summary.inCountry', { count: summary.openReferrals.inCountry })]
                  : []),
                ...(summary.openReferrals.crossBorder !== undefined
                  ? [t('casePage.summary.crossBorder', { count: summary.openReferrals.crossBorder })]
                  : []),
              ])}
            </dd>
          </div>
        )}
        {summary.evidenceCount !== undefined && (
          <div>
            <dt>{t('casePage.summary.evidence')}</dt>
            <dd data-part="evidence">{t('casePage.summary.items', { count: summary.evidenceCount })}</dd>
          </div>
        )}
        <div>
          <dt>{t('cases.traffickingStatus')}</dt>
          <dd>
            <FieldValueText name="vic_TraffickingStatus" value={found.victim.vic_TraffickingStatus as string} />
          </dd>
        </div>
        <div>
          <dt>{t('cases.agency')}</dt>
          <dd>
            <bdi>{agencyName(found.agencyId)}</bdi>
          </dd>
        </div>
        <div>
          <dt>{t('casePage.summary.worker')}</dt>
          <dd data-part="worker">
            {found.ownerId ? actorName(`user:${found.ownerId}`) : t('casePage.summary.unassigned')}
          </dd>
        </div>
      </dl>
    </section>
  );
}

/** What a referral shares with the receiving agency, and what stays with the one that holds the case. */
const REFERRAL_REACH = [
  ['consent.record', 'consent'],
  ['risk.assess', 'risk'],
  ['service.plan', 'services'],
  ['case.update', 'facts'],
  ['case.transition', 'stage'],
  ['evidence.read', 'evidence'],
  ['referral.offer', 'referOn'],
  ['disclosure.read', 'disclosures'],
] as const satisfies readonly (readonly [Action, string])[];
type ReachItem = (typeof REFERRAL_REACH)[number][1] | 'read';

/**
 * On a case seen through a referral: says so, and what the referral lets her do here and what stays with the holding
 * agency, from the same policy rules the server applies, instead of leaving those parts silently missing.
 */
export function ReferralBanner({ user, found, owner }: { user: SessionUser; found: Case; owner: string }) {
  const { t } = useTranslation();
  const list = useListFormat();
  const item = (key: ReachItem): string => t(`casePage.banner.items.${key}`);
  const shared = REFERRAL_REACH.filter(([action]) => allowsOnCase(user, action, found)).map(([, key]) => item(key));
  const stays = REFERRAL_REACH.filter(([action]) => !allowsOnCase(user, action, found)).map(([, key]) => item(key));
  return (
    <div className="referral-banner" role="note" aria-labelledby="referral-banner-title">
      <p id="referral-banner-title">
        <strong>{t('casePage.banner.title', { agency: isolate(owner) })}</strong>
      </p>
      <p>{t('casePage.banner.shared', { list: list([item('read'), ...shared]) })}</p>
      {stays.length > 0 && <p>{t('casePage.banner.stays', { agency: isolate(owner), list: list(stays) })}</p>}
    </div>
  );
}
