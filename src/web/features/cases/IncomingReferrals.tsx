import { useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { XbKind, XbPurpose } from '../../../shared/cross-border.ts';
import { ErrorMessage, errorIdOf } from '../../components/ErrorMessage.tsx';
import { ScrollingTable } from '../../components/ScrollingTable.tsx';
import { DATE_TIME, useDateFormat } from '../../i18n/format.ts';
import { Link } from '../../router.tsx';
import { WORK_QUEUE_KEY, type WorkItem } from '../home/work-queue-api.ts';
import { careApi } from './care-api.ts';
import { ReasonForm } from './ReasonForm.tsx';

/**
 * The one inbox of referrals waiting for an answer from the user's agencies: those from other agencies of this node
 * (answered here) and those from other countries' nodes (answered on their page, where the agency that takes the case
 * is chosen), in one list, oldest first as they arrived. The sender's reason shows before the answer: it is what the
 * sender wrote for the receiver to decide on (docs/work-queue.md).
 */
export function IncomingReferrals({ items, empty }: { items: WorkItem[]; empty: ReactNode }) {
  const { t } = useTranslation();
  const formatTime = useDateFormat(DATE_TIME);
  const client = useQueryClient();
  const [declining, setDeclining] = useState<WorkItem | null>(null);
  const [accepting, setAccepting] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [opened, setOpened] = useState<WorkItem[]>([]);
  const [error, setError] = useState<unknown>(null);
  const refresh = () => client.invalidateQueries({ queryKey: [...WORK_QUEUE_KEY] });

  const accept = async (item: WorkItem) => {
    if (accepting) return;
    setAccepting(item.id);
    setError(null);
    setDone(null);
    try {
      await careApi.accept(item.id);
      setDone(t('referrals.accepted', { reference: item.caseReference }));
      setOpened((current) => [...current, item]);
      await refresh();
    } catch (failure) {
      setError(failure);
    } finally {
      setAccepting(null);
    }
  };

  return (
    <>
      <p role="status" className={done ? 'notice' : undefined}>
        {done}
      </p>
      {error !== null && <ErrorMessage errorId={errorIdOf(error)} />}
      {opened.length > 0 && (
        <ul className="plain">
          {opened.map((item) => (
            <li key={item.id}>
              <Link to={`/cases/${encodeURIComponent(item.caseId ?? '')}`}>
                {t('referrals.open', { reference: item.caseReference })}
              </Link>
            </li>
          ))}
        </ul>
      )}
      {items.length === 0 && empty}
      {items.length > 0 && (
        <ScrollingTable caption={t('home.referrals.caption', { count: items.length })}>
          <thead>
            <tr>
              <th scope="col">{t('cases.reference')}</th>
              <th scope="col">{t('referrals.from')}</th>
              <th scope="col">{t('home.referrals.what')}</th>
              <th scope="col">{t('home.referrals.received')}</th>
              <th scope="col">{t('home.referrals.answer')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((item) => (
              <tr key={item.id} id={`referral-${item.id}`}>
                <th scope="row">
                  <span className="identifier">
                    <bdi>{item.caseReference ?? '—'}</bdi>
                  </span>
                </th>
                <td>
                  <bdi>{item.from}</bdi>
                  <span className="hint block">
                    {t(item.kind === 'referral' ? 'home.referrals.inCountry' : 'home.referrals.crossBorder')}
                  </span>
                </td>
                <td>
                  {item.purpose && t(`cooperation.referrals.purposes.${item.purpose as XbPurpose}`)}
                  {item.kind === 'cross_border_referral' && item.detail && (
                    <span className="hint block">{t(`cooperation.referrals.kinds.${item.detail as XbKind}`)}</span>
                  )}
                  {item.reason && <blockquote>{item.reason}</blockquote>}
                </td>
                <td>{item.receivedAt && <time dateTime={item.receivedAt}>{formatTime(item.receivedAt)}</time>}</td>
                <td>
                  {item.kind === 'referral' ? (
                    <div className="actions compact">
                      <button
                        type="button"
                        className="button small"
                        aria-disabled={accepting === item.id}
                        onClick={() => accept(item)}
                      >
                        {t('referrals.accept')}
                        <span className="visually-hidden"> {item.caseReference}</span>
                      </button>
                      <button
                        type="button"
                        className="button secondary small"
                        onClick={() => {
                          setDone(null);
                          setError(null);
                          setDeclining(item);
                        }}
                      >
                        {t('referrals.decline')}
                        <span className="visually-hidden"> {item.caseReference}</span>
                      </button>
                    </div>
                  ) : (
                    <Link to={item.link} className="button small">
                      {t('home.referrals.open')}
                      <span className="visually-hidden"> {item.caseReference}</span>
                    </Link>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </ScrollingTable>
      )}
      {declining && (
        <ReasonForm
          title={t('referrals.declineTitle', { reference: declining.caseReference })}
          label={t('referrals.why')}
          submit={t('referrals.decline')}
          pending={t('stageBar.saving')}
          onCancel={() => setDeclining(null)}
          onSubmit={async (reason) => {
            await careApi.decline(declining.id, reason);
            setDeclining(null);
            setDone(t('referrals.declined'));
            await refresh();
          }}
        />
      )}
    </>
  );
}
