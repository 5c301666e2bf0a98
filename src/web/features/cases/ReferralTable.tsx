import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage, errorIdOf } from '../../components/ErrorMessage.tsx';
import { ScrollingTable } from '../../components/ScrollingTable.tsx';
import { DATE_TIME, useDateFormat, useListFormat } from '../../i18n/format.ts';
import { careApi, type Referral } from './care-api.ts';
import { useFieldLabel } from './FieldValues.tsx';
import { ReasonForm } from './ReasonForm.tsx';
import { useServiceTypeLabel } from './vocabulary.ts';

type Answer = { kind: 'decline' | 'revoke'; referral: Referral };

/** Accepting, declining and revoking referrals, with the reason form that the last two need. */
export function useReferralActions(onChanged: () => void) {
  const { t } = useTranslation();
  const [answer, setAnswer] = useState<Answer | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [accepting, setAccepting] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  /** Whether the referral was accepted. */
  const accept = async (referral: Referral): Promise<boolean> => {
    if (accepting) return false;
    setAccepting(referral.id);
    setError(null);
    setDone(null);
    try {
      await careApi.accept(referral.id);
      setDone(t('referrals.accepted', { reference: referral.caseReference }));
      onChanged();
      return true;
    } catch (failure) {
      setError(failure);
      return false;
    } finally {
      setAccepting(null);
    }
  };

  const reasonForm = answer && (
    <ReasonForm
      title={t(answer.kind === 'decline' ? 'referrals.declineTitle' : 'referrals.revokeTitle', {
        reference: answer.referral.caseReference,
      })}
      label={t('referrals.why')}
      submit={t(answer.kind === 'decline' ? 'referrals.decline' : 'referrals.revoke')}
      pending={t('stageBar.saving')}
      onCancel={() => setAnswer(null)}
      onSubmit={async (reason) => {
        if (answer.kind === 'decline') await careApi.decline(answer.referral.id, reason);
        else await careApi.revoke(answer.referral.id, reason);
        setAnswer(null);
        setDone(t(answer.kind === 'decline' ? 'referrals.declined' : 'referrals.revoked'));
        onChanged();
      }}
    />
  );
  const ask = (next: Answer) => {
    setDone(null);
    setError(null);
    setAnswer(next);
  };
  const failure = error !== null && <ErrorMessage errorId={errorIdOf(error)} />;
  return { accept, accepting, ask, reasonForm, done, failure };
}

export function ReferralTable({
  referrals,
  caption,
  agencyName,
  actorName,
  actions,
  withCase = false,
}: {
  referrals: Referral[];
  caption: string;
  agencyName(id: string): string;
  actorName(actor: string): string;
  actions(referral: Referral): ReactNode;
  withCase?: boolean;
}) {
  const { t } = useTranslation();
  const formatTime = useDateFormat(DATE_TIME);
  const typeLabel = useServiceTypeLabel();
  const fieldLabel = useFieldLabel();
  const list = useListFormat();
  return (
    <ScrollingTable caption={caption}>
      <thead>
        <tr>
          <th scope="col">{withCase ? t('cases.reference') : t('referrals.to')}</th>
          {withCase && <th scope="col">{t('referrals.from')}</th>}
          <th scope="col">{t('referrals.services')}</th>
          <th scope="col">{t('referrals.shared')}</th>
          <th scope="col">{t('referrals.offered')}</th>
          <th scope="col">{t('referrals.status')}</th>
        </tr>
      </thead>
      <tbody>
        {referrals.map((referral) => (
          <tr key={referral.id}>
            <th scope="row">
              {withCase ? (
                <span className="identifier">
                  <bdi>{referral.caseReference}</bdi>
                </span>
              ) : (
                <bdi>{agencyName(referral.toAgencyId)}</bdi>
              )}
            </th>
            {withCase && (
              <td>
                <bdi>{agencyName(referral.fromAgencyId)}</bdi>
              </td>
            )}
            <td>
              {list(referral.services.map(typeLabel))}
              <span className="hint block">{t(`cooperation.referrals.purposes.${referral.purpose}`)}</span>
              <blockquote>{referral.reason}</blockquote>
            </td>
            <td>{referral.sharedFields.length > 0 ? list(referral.sharedFields.map(fieldLabel)) : '—'}</td>
            <td>
              <time dateTime={referral.offeredAt}>{formatTime(referral.offeredAt)}</time>
              <br />
              {t('consent.by', { name: actorName(referral.offeredBy) })}
            </td>
            <td>
              {t(`referrals.statuses.${referral.status}`)}
              {referral.statusChangedAt && (
                <>
                  {' · '}
                  <time dateTime={referral.statusChangedAt}>{formatTime(referral.statusChangedAt)}</time>
                </>
              )}
              {referral.statusReason && <blockquote>{referral.statusReason}</blockquote>}
              {actions(referral)}
            </td>
          </tr>
        ))}
      </tbody>
    </ScrollingTable>
  );
}
