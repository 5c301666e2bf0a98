import { useTranslation } from 'react-i18next';
import { DATE_TIME, useDateFormat } from '../../../i18n/format.ts';
import { Link } from '../../../router.tsx';
import { contextPath, type Transfer } from './transfers-api.ts';

/** What a transfer belongs to: a link to the MLA request or JIT it serves, or the case reference the sender gave. */
export function ContextLink({ context }: { context: Transfer['context'] }) {
  const { t } = useTranslation();
  const to = contextPath(context);
  const label = t(`cooperation.transfers.contexts.${context.kind}`, { ref: context.ref });
  return to ? (
    <Link to={to}>{label}</Link>
  ) : (
    <>
      {t('cooperation.transfers.contexts.case')} <bdi className="identifier">{context.ref}</bdi>
    </>
  );
}

/** Who a transfer is with, what it belongs to, and where it stands. */
export function TransferFacts({ transfer }: { transfer: Transfer }) {
  const { t } = useTranslation();
  const formatTime = useDateFormat(DATE_TIME);
  return (
    <dl className="facts">
      <div>
        <dt>{t('cooperation.transfers.list.status')}</dt>
        <dd>
          <strong>{t(`cooperation.transfers.statuses.${transfer.status}`)}</strong>
        </dd>
      </div>
      <div>
        <dt>{t(`cooperation.transfers.facts.peer.${transfer.direction}`)}</dt>
        <dd>
          <bdi>{transfer.peerName ?? transfer.peer}</bdi>{' '}
          {transfer.peerName && <span className="hint identifier node-id">{transfer.peer}</span>}
        </dd>
      </div>
      <div>
        <dt>{t('cooperation.transfers.facts.context')}</dt>
        <dd>
          <ContextLink context={transfer.context} />
        </dd>
      </div>
      <div>
        <dt>{t('cooperation.transfers.facts.items')}</dt>
        <dd>{t('cooperation.transfers.itemCount', { count: transfer.itemCount })}</dd>
      </div>
      {transfer.caseReference && transfer.direction === 'out' && (
        <div>
          <dt>{t('cooperation.transfers.facts.case')}</dt>
          <dd>
            <bdi className="identifier">{transfer.caseReference}</bdi>
          </dd>
        </div>
      )}
      {transfer.direction === 'in' && transfer.caseId && (
        <div>
          <dt>{t('cooperation.transfers.facts.case')}</dt>
          <dd>
            {transfer.caseReference && <bdi className="identifier">{transfer.caseReference}</bdi>}{' '}
            <Link to={`/cases/${encodeURIComponent(transfer.caseId)}`}>
              {t('cooperation.transfers.facts.openCase')}
            </Link>
          </dd>
        </div>
      )}
      {transfer.declineReason && (
        <div>
          <dt>{t('cooperation.transfers.facts.declineReason')}</dt>
          <dd>
            <blockquote>{transfer.declineReason}</blockquote>
          </dd>
        </div>
      )}
      <div>
        <dt>{t(`cooperation.transfers.facts.createdAt.${transfer.direction}`)}</dt>
        <dd>
          <time dateTime={transfer.createdAt}>{formatTime(transfer.createdAt)}</time>
        </dd>
      </div>
      {transfer.decidedAt && (
        <div>
          <dt>{t('cooperation.transfers.facts.decided')}</dt>
          <dd>
            <time dateTime={transfer.decidedAt}>{formatTime(transfer.decidedAt)}</time>
          </dd>
        </div>
      )}
    </dl>
  );
}
