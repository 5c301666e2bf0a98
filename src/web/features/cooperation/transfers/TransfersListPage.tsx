import { useCallback, useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { SessionUser } from '../../../api.ts';
import { SelectField } from '../../../components/Field.tsx';
import { PageHeading } from '../../../components/PageHeading.tsx';
import { ScrollingTable } from '../../../components/ScrollingTable.tsx';
import { fieldText, useForm } from '../../../components/useForm.tsx';
import { Loaded, useResource } from '../../../components/useResource.tsx';
import { DATE_TIME, useDateFormat } from '../../../i18n/format.ts';
import { Link } from '../../../router.tsx';
import { agenciesWhere, allows } from '../../cases/vocabulary.ts';
import { PermissionRequests } from './PermissionRequests.tsx';
import { ContextLink } from './TransferFacts.tsx';
import {
  DIRECTIONS,
  type Direction,
  TRANSFER_STATUSES,
  type Transfer,
  type TransferFilter,
  type TransferStatus,
  transferPath,
  transfersApi,
} from './transfers-api.ts';

interface TransfersListPageProps {
  user: SessionUser;
  filter: TransferFilter;
  onFilter(filter: TransferFilter): void;
}

/** The transfers of evidence this node received and sent, and the permissions asked about received items. */
export function TransfersListPage({ user, filter, onFilter }: TransfersListPageProps) {
  const { t } = useTranslation();
  const canTransfer = allows(user, 'evidence.transfer', null);
  const permissionAgencies = agenciesWhere(user, 'evidence.permission');
  const canAskPermission = permissionAgencies === null || permissionAgencies.length > 0;
  return (
    <>
      <PageHeading title={t('cooperation.parts.transfers.title')} />
      <p>{t('cooperation.transfers.intro')}</p>
      {canTransfer && <Transfers filter={filter} onFilter={onFilter} />}
      {canAskPermission && <PermissionRequests />}
      {!canTransfer && !canAskPermission && <p>{t('cooperation.transfers.notForYou')}</p>}
    </>
  );
}

function Transfers({ filter, onFilter }: { filter: TransferFilter; onFilter(filter: TransferFilter): void }) {
  const { t } = useTranslation();
  const ids = useId();
  const transfers = useResource(
    useCallback(() => transfersApi.list(filter), [filter]),
    { live: true },
  );
  const form = useForm(async (data) => {
    const direction = fieldText(data, 'direction') as Direction | '';
    const status = fieldText(data, 'status') as TransferStatus | '';
    onFilter({ direction: direction || undefined, status: status || undefined });
  });
  return (
    <section aria-labelledby={`${ids}-title`} className="section">
      <h2 id={`${ids}-title`}>{t('cooperation.transfers.list.title')}</h2>
      <form
        className="form filters-form"
        noValidate
        aria-label={t('cooperation.transfers.list.filterTitle')}
        onSubmit={form.onSubmit}
      >
        <div className="filters">
          <SelectField
            label={t('cooperation.transfers.list.direction')}
            name="direction"
            defaultValue={filter.direction ?? ''}
          >
            <option value="">{t('cooperation.transfers.list.anyDirection')}</option>
            {DIRECTIONS.map((direction) => (
              <option key={direction} value={direction}>
                {t(`cooperation.transfers.list.directions.${direction}`)}
              </option>
            ))}
          </SelectField>
          <SelectField label={t('cooperation.transfers.list.status')} name="status" defaultValue={filter.status ?? ''}>
            <option value="">{t('cooperation.transfers.list.anyStatus')}</option>
            {TRANSFER_STATUSES.map((status) => (
              <option key={status} value={status}>
                {t(`cooperation.transfers.statuses.${status}`)}
              </option>
            ))}
          </SelectField>
        </div>
        <div className="actions">
          <button type="submit" className="button secondary">
            {t('cooperation.transfers.list.apply')}
          </button>
        </div>
      </form>
      <Loaded resource={transfers}>
        {(rows) =>
          rows.length === 0 ? (
            <p role="status">{t('cooperation.transfers.list.none')}</p>
          ) : (
            <TransferTable rows={rows} />
          )
        }
      </Loaded>
    </section>
  );
}

function TransferTable({ rows }: { rows: Transfer[] }) {
  const { t } = useTranslation();
  const formatTime = useDateFormat(DATE_TIME);
  return (
    <ScrollingTable caption={t('cooperation.transfers.list.caption', { count: rows.length })}>
      <thead>
        <tr>
          <th scope="col">{t('cooperation.transfers.list.transfer')}</th>
          <th scope="col">{t('cooperation.transfers.facts.context')}</th>
          <th scope="col">{t('cooperation.transfers.facts.items')}</th>
          <th scope="col">{t('cooperation.transfers.list.status')}</th>
          <th scope="col">{t('cooperation.transfers.facts.created')}</th>
          <th scope="col">{t('cooperation.transfers.facts.decided')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.id}>
            <th scope="row">
              <Link to={transferPath(row.id)}>
                {t(`cooperation.transfers.titles.${row.direction}`, { peer: row.peerName ?? row.peer })}
              </Link>
              {row.caseReference && (
                <>
                  <br />
                  {t('cooperation.transfers.caseRef', { reference: row.caseReference })}
                </>
              )}
              <br />
              {/* The node and the transfer by id, as hints: what tells two transfers of one peer apart. */}
              <span className="hint identifier">
                {row.peer} · {row.id}
              </span>
            </th>
            <td>
              <ContextLink context={row.context} />
            </td>
            <td>{t('cooperation.transfers.itemCount', { count: row.itemCount })}</td>
            <td>{t(`cooperation.transfers.statuses.${row.status}`)}</td>
            <td>
              <time dateTime={row.createdAt}>{formatTime(row.createdAt)}</time>
            </td>
            <td>{row.decidedAt ? <time dateTime={row.decidedAt}>{formatTime(row.decidedAt)}</time> : '—'}</td>
          </tr>
        ))}
      </tbody>
    </ScrollingTable>
  );
}
