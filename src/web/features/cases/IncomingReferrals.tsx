import { useCallback, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SessionUser } from '../../api.ts';
import { Loaded, useResource } from '../../components/useResource.tsx';
import { Link } from '../../router.tsx';
import { careApi, type Referral } from './care-api.ts';
import { ReferralTable, useReferralActions } from './ReferralTable.tsx';
import { agenciesWhere } from './vocabulary.ts';

/** Whether the user answers referrals for some agency, and so has an inbox of them. */
export function receivesReferrals(user: SessionUser): boolean {
  const agencies = agenciesWhere(user, 'referral.respond');
  return agencies === null || agencies.length > 0;
}

/** Referrals offered to the user's agencies, waiting for an answer; an accepted case opens from here. */
export function IncomingReferrals({ agencyName }: { agencyName(id: string): string }) {
  const { t } = useTranslation();
  const ids = useId();
  const [revision, setRevision] = useState(0);
  const [opened, setOpened] = useState<Referral[]>([]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: each answer reloads the inbox.
  const inbox = useResource(useCallback(() => careApi.incoming(), [revision]));
  const actions = useReferralActions(() => setRevision((n) => n + 1));
  const actorName = (actor: string) => actor;
  return (
    <section aria-labelledby={`${ids}-title`} className="section">
      <h2 id={`${ids}-title`}>{t('referrals.incomingTitle')}</h2>
      <p role="status" className={actions.done ? 'notice' : undefined}>
        {actions.done}
      </p>
      {actions.failure}
      {opened.length > 0 && (
        <ul className="plain">
          {opened.map((referral) => (
            <li key={referral.id}>
              <Link to={`/cases/${encodeURIComponent(referral.caseId)}`}>
                {t('referrals.open', { reference: referral.caseReference })}
              </Link>
            </li>
          ))}
        </ul>
      )}
      <Loaded resource={inbox}>
        {({ referrals }) =>
          referrals.length === 0 ? (
            <p>{t('referrals.noneIncoming')}</p>
          ) : (
            <ReferralTable
              referrals={referrals}
              caption={t('referrals.incomingCaption', { count: referrals.length })}
              agencyName={agencyName}
              actorName={actorName}
              withCase
              actions={(referral) => (
                <div className="actions compact">
                  <button
                    type="button"
                    className="button small"
                    aria-disabled={actions.accepting === referral.id}
                    onClick={async () => {
                      if (await actions.accept(referral)) setOpened((current) => [...current, referral]);
                    }}
                  >
                    {t('referrals.accept')}
                    <span className="visually-hidden"> {referral.caseReference}</span>
                  </button>
                  <button
                    type="button"
                    className="button secondary small"
                    onClick={() => actions.ask({ kind: 'decline', referral })}
                  >
                    {t('referrals.decline')}
                    <span className="visually-hidden"> {referral.caseReference}</span>
                  </button>
                </div>
              )}
            />
          )
        }
      </Loaded>
      {actions.reasonForm}
    </section>
  );
}
