import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { HandlingSummary } from '../../../components/Handling.tsx';
import { DATE_TIME, useCountryName, useDateFormat } from '../../../i18n/format.ts';
import { Link } from '../../../router.tsx';
import { useFieldLabel } from '../../cases/FieldValues.tsx';
import type { CrossBorderReferral } from './referrals-api.ts';

/** Who a referral is with, what it is for, and where it stands. */
export function ReferralFacts({ referral }: { referral: CrossBorderReferral }) {
  const { t } = useTranslation();
  const formatTime = useDateFormat(DATE_TIME);
  const country = useCountryName();
  const { direction } = referral;
  return (
    <dl className="facts">
      <div>
        <dt>{t('cooperation.referrals.status')}</dt>
        <dd>
          <strong>{t(`cooperation.referrals.statuses.${referral.status}`)}</strong>
        </dd>
      </div>
      <div>
        <dt>{t(`cooperation.referrals.facts.peer.${direction}`)}</dt>
        <dd>
          {referral.peerName && (
            <>
              <bdi>{referral.peerName}</bdi>{' '}
            </>
          )}
          <span className="identifier node-id">{referral.peer}</span> · {country(referral.peerCountry)}
        </dd>
      </div>
      <div>
        <dt>{t('cooperation.referrals.kind')}</dt>
        <dd>{t(`cooperation.referrals.kinds.${referral.kind}`)}</dd>
      </div>
      <div>
        <dt>{t('cooperation.referrals.purpose')}</dt>
        <dd>{t(`cooperation.referrals.purposes.${referral.purpose}`)}</dd>
      </div>
      <div>
        <dt>{t('sharing.handling.label')}</dt>
        <dd>
          <HandlingSummary handling={referral} />
        </dd>
      </div>
      {referral.caseId && (
        <div>
          <dt>{t(`cooperation.referrals.facts.case.${direction}`)}</dt>
          <dd>
            <Link to={`/cases/${encodeURIComponent(referral.caseId)}`}>
              {t('cooperation.referrals.facts.openCase', { reference: referral.caseReference ?? referral.caseId })}
            </Link>
          </dd>
        </div>
      )}
      {referral.remoteCaseReference && (
        <div>
          <dt>{t('cooperation.referrals.facts.remoteCase', { peer: referral.peer })}</dt>
          <dd className="identifier">
            <bdi>{referral.remoteCaseReference}</bdi>
          </dd>
        </div>
      )}
      <div>
        <dt>{t(`cooperation.referrals.facts.offeredAt.${direction}`)}</dt>
        <dd>
          <time dateTime={referral.offeredAt}>{formatTime(referral.offeredAt)}</time>
        </dd>
      </div>
      {referral.respondedAt && (
        <div>
          <dt>{t('cooperation.referrals.facts.respondedAt')}</dt>
          <dd>
            <time dateTime={referral.respondedAt}>{formatTime(referral.respondedAt)}</time>
          </dd>
        </div>
      )}
      {referral.statusReason && (
        <div>
          <dt>{t('cooperation.referrals.facts.reason')}</dt>
          <dd>
            <blockquote>{referral.statusReason}</blockquote>
          </dd>
        </div>
      )}
      {referral.erasedAt && (
        <div>
          <dt>{t('cooperation.referrals.facts.erasedAt')}</dt>
          <dd>
            <time dateTime={referral.erasedAt}>{formatTime(referral.erasedAt)}</time>
          </dd>
        </div>
      )}
    </dl>
  );
}

/** The fields the referral carried, by name: their values travelled sealed to the receiver and never show here. */
export function SharedFields({ referral }: { referral: CrossBorderReferral }) {
  const { t } = useTranslation();
  const ids = useId();
  const fieldLabel = useFieldLabel();
  return (
    <section aria-labelledby={`${ids}-title`} className="section">
      <h2 id={`${ids}-title`}>{t('cooperation.referrals.fields.title')}</h2>
      <p className="hint">{t(`cooperation.referrals.fields.intro.${referral.direction}`)}</p>
      <ul className="plain">
        {referral.fields.map((name) => (
          <li key={name}>
            {fieldLabel(name)} <span className="hint identifier">{name}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
