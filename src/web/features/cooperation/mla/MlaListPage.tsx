import { useCallback, useId } from 'react';
import { useTranslation } from 'react-i18next';
import { SelectField } from '../../../components/Field.tsx';
import { PageHeading } from '../../../components/PageHeading.tsx';
import { ScrollingTable } from '../../../components/ScrollingTable.tsx';
import { fieldText, useForm } from '../../../components/useForm.tsx';
import { Loaded, useResource } from '../../../components/useResource.tsx';
import { DATE, useDateFormat } from '../../../i18n/format.ts';
import { Link } from '../../../router.tsx';
import { ClockList, ClockStatus } from './Clocks.tsx';
import {
  MLA_STATES,
  type MlaAlert,
  type MlaFilter,
  type MlaRequest,
  type MlaState,
  mlaApi,
  SIDES,
  type Side,
} from './mla-api.ts';

export type ListFilter = MlaFilter;

export const requestPath = (id: string) => `/cooperation/mla/${encodeURIComponent(id)}`;

interface MlaListPageProps {
  filter: ListFilter;
  onFilter(filter: ListFilter): void;
  canManage: boolean;
}

/** This node's legal assistance requests, issued and received, with the deadlines that need attention first. */
export function MlaListPage({ filter, onFilter, canManage }: MlaListPageProps) {
  const { t } = useTranslation();
  return (
    <>
      <PageHeading title={t('cooperation.parts.mla.title')} />
      <p>{t('cooperation.mla.intro')}</p>
      {canManage && (
        <p className="actions">
          <Link to="/cooperation/mla/new" className="button">
            {t('cooperation.mla.new')}
          </Link>
        </p>
      )}
      <Alerts />
      <Requests filter={filter} onFilter={onFilter} />
    </>
  );
}

/** The clocks approaching their due date or past it, most urgent first, each leading to its request. */
function Alerts() {
  const { t } = useTranslation();
  const ids = useId();
  const alerts = useResource(
    useCallback(() => mlaApi.alerts(), []),
    { live: true },
  );
  return (
    <section aria-labelledby={`${ids}-title`} className="section">
      <h2 id={`${ids}-title`}>{t('cooperation.mla.alerts.title')}</h2>
      <Loaded resource={alerts}>
        {(list) => (list.length === 0 ? <p>{t('cooperation.mla.alerts.none')}</p> : <AlertList alerts={list} />)}
      </Loaded>
    </section>
  );
}

function AlertList({ alerts }: { alerts: MlaAlert[] }) {
  const { t } = useTranslation();
  const breached = alerts.filter((alert) => alert.clock.state === 'breached').length;
  // Breaches that an extension, a postponement or a late step ended: they stay counted.
  const missed = alerts.filter((alert) => alert.clock.breach !== null && alert.clock.state !== 'breached').length;
  return (
    <>
      <p className={breached + missed > 0 ? 'alert' : 'notice'}>
        {t('cooperation.mla.alerts.breached', { count: breached })}{' '}
        {t('cooperation.mla.alerts.missed', { count: missed })}{' '}
        {t('cooperation.mla.alerts.approaching', { count: alerts.length - breached - missed })}
      </p>
      <ul>
        {alerts.map((alert) => (
          <li key={`${alert.requestId}:${alert.clock.name}`}>
            <Link to={requestPath(alert.requestId)}>
              {t(`cooperation.mla.sides.${alert.side}`, { peer: alert.peer })}
            </Link>
            {alert.urgent && <span className="tag">{t('cooperation.mla.urgent')}</span>}
            {' · '}
            {t(`cooperation.mla.clock.names.${alert.clock.name}`)}: <ClockStatus clock={alert.clock} />
          </li>
        ))}
      </ul>
    </>
  );
}

function Requests({ filter, onFilter }: { filter: ListFilter; onFilter(filter: ListFilter): void }) {
  const { t } = useTranslation();
  const ids = useId();
  const requests = useResource(
    useCallback(() => mlaApi.list(filter), [filter]),
    { live: true },
  );
  const form = useForm(async (data) => {
    const side = fieldText(data, 'side') as Side | '';
    const state = fieldText(data, 'state') as MlaState | '';
    onFilter({ limit: filter.limit, offset: 0, side: side || undefined, state: state || undefined });
  });
  return (
    <section aria-labelledby={`${ids}-title`} className="section">
      <h2 id={`${ids}-title`}>{t('cooperation.mla.list.title')}</h2>
      <form
        className="form filters-form"
        noValidate
        aria-label={t('cooperation.mla.list.filterTitle')}
        onSubmit={form.onSubmit}
      >
        <div className="filters">
          <SelectField label={t('cooperation.mla.list.side')} name="side" defaultValue={filter.side ?? ''}>
            <option value="">{t('cooperation.mla.list.anySide')}</option>
            {SIDES.map((side) => (
              <option key={side} value={side}>
                {t(`cooperation.mla.list.sides.${side}`)}
              </option>
            ))}
          </SelectField>
          <SelectField label={t('cooperation.mla.list.state')} name="state" defaultValue={filter.state ?? ''}>
            <option value="">{t('cooperation.mla.list.anyState')}</option>
            {MLA_STATES.map((state) => (
              <option key={state} value={state}>
                {t(`cooperation.mla.states.${state}`)}
              </option>
            ))}
          </SelectField>
        </div>
        <div className="actions">
          <button type="submit" className="button secondary">
            {t('cooperation.mla.list.apply')}
          </button>
        </div>
      </form>
      <Loaded resource={requests}>
        {({ total, requests: rows }) => (
          <>
            <p role="status" className="summary">
              {total === 0
                ? t('cooperation.mla.list.none')
                : t('cooperation.mla.list.range', {
                    from: filter.offset + 1,
                    to: filter.offset + rows.length,
                    count: total,
                  })}
            </p>
            {rows.length > 0 && <RequestTable rows={rows} />}
            {total > filter.limit && (
              <nav className="actions pager" aria-label={t('cooperation.mla.list.pages')}>
                <button
                  type="button"
                  className="button secondary"
                  disabled={filter.offset === 0}
                  onClick={() => onFilter({ ...filter, offset: Math.max(0, filter.offset - filter.limit) })}
                >
                  {t('cases.previous')}
                </button>
                <button
                  type="button"
                  className="button secondary"
                  disabled={filter.offset + filter.limit >= total}
                  onClick={() => onFilter({ ...filter, offset: filter.offset + filter.limit })}
                >
                  {t('cases.next')}
                </button>
              </nav>
            )}
          </>
        )}
      </Loaded>
    </section>
  );
}

function RequestTable({ rows }: { rows: MlaRequest[] }) {
  const { t } = useTranslation();
  const formatDate = useDateFormat(DATE);
  return (
    <ScrollingTable caption={t('cooperation.mla.list.caption', { count: rows.length })}>
      <thead>
        <tr>
          <th scope="col">{t('cooperation.mla.fields.legalClassification')}</th>
          <th scope="col">{t('cooperation.mla.list.side')}</th>
          <th scope="col">{t('cooperation.mla.list.peer')}</th>
          <th scope="col">{t('cooperation.mla.list.state')}</th>
          <th scope="col">{t('cooperation.mla.fields.urgency')}</th>
          <th scope="col">{t('cooperation.mla.list.clocks')}</th>
          <th scope="col">{t('cooperation.mla.list.created')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.id}>
            <th scope="row">
              <Link to={requestPath(row.id)}>
                <bdi>{row.legalClassification}</bdi>
              </Link>
              {row.caseReference && (
                <>
                  <br />
                  <span className="hint identifier">
                    <bdi>{row.caseReference}</bdi>
                  </span>
                </>
              )}
            </th>
            <td>{t(`cooperation.mla.list.sides.${row.side}`)}</td>
            <td className="identifier node-id">{row.peer}</td>
            <td>{t(`cooperation.mla.states.${row.state}`)}</td>
            <td>
              {row.urgent ? <span className="tag">{t('cooperation.mla.urgent')}</span> : t('cooperation.mla.normal')}
            </td>
            <td>
              <ClockList clocks={row.clocks} />
            </td>
            <td>{formatDate(row.createdAt)}</td>
          </tr>
        ))}
      </tbody>
    </ScrollingTable>
  );
}
