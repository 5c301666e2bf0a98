import { useCallback, useId } from 'react';
import { useTranslation } from 'react-i18next';
import { SelectField } from '../../../components/Field.tsx';
import { PageHeading } from '../../../components/PageHeading.tsx';
import { ScrollingTable } from '../../../components/ScrollingTable.tsx';
import { fieldText, useForm } from '../../../components/useForm.tsx';
import { Loaded, useResource } from '../../../components/useResource.tsx';
import { DATE_TIME, useDateFormat } from '../../../i18n/format.ts';
import { isolate } from '../../../i18n/i18n.ts';
import { Link } from '../../../router.tsx';
import {
  type CrossBorderReferral,
  DIRECTIONS,
  type Direction,
  type ReferralFilter,
  type ReferralStatus,
  referralPath,
  STATUSES,
  xbApi,
} from './referrals-api.ts';

interface ReferralsListPageProps {
  filter: ReferralFilter;
  onFilter(filter: ReferralFilter): void;
}

/** The referrals this node received from peer nodes, or sent to them, by status. */
export function ReferralsListPage({ filter, onFilter }: ReferralsListPageProps) {
  const { t } = useTranslation();
  const ids = useId();
  const referrals = useResource(
    useCallback(() => xbApi.list(filter), [filter]),
    { live: true },
  );
  const form = useForm(async (data) => {
    const direction = (fieldText(data, 'direction') || 'in') as Direction;
    const status = fieldText(data, 'status') as ReferralStatus | '';
    onFilter({ direction, status: status || undefined });
  });
  return (
    <>
      <PageHeading title={t('cooperation.parts.referrals.title')} />
      <p>{t('cooperation.referrals.intro')}</p>
      <p>
        {t('home.referrals.register')} <Link to="/">{t('home.referrals.toInbox')}</Link>
      </p>
      <section aria-labelledby={`${ids}-title`} className="section">
        <h2 id={`${ids}-title`}>{t(`cooperation.referrals.list.titles.${filter.direction}`)}</h2>
        <form
          className="form filters-form"
          noValidate
          aria-label={t('cooperation.referrals.list.filterTitle')}
          onSubmit={form.onSubmit}
        >
          <div className="filters">
            <SelectField
              label={t('cooperation.referrals.list.direction')}
              name="direction"
              defaultValue={filter.direction}
            >
              {DIRECTIONS.map((direction) => (
                <option key={direction} value={direction}>
                  {t(`cooperation.referrals.list.directions.${direction}`)}
                </option>
              ))}
            </SelectField>
            <SelectField label={t('cooperation.referrals.status')} name="status" defaultValue={filter.status ?? ''}>
              <option value="">{t('cooperation.referrals.list.anyStatus')}</option>
              {STATUSES.map((status) => (
                <option key={status} value={status}>
                  {t(`cooperation.referrals.statuses.${status}`)}
                </option>
              ))}
            </SelectField>
          </div>
          <div className="actions">
            <button type="submit" className="button secondary">
              {t('cooperation.referrals.list.apply')}
            </button>
          </div>
        </form>
        <Loaded resource={referrals}>
          {({ referrals: rows }) =>
            rows.length === 0 ? (
              <p role="status">{t('cooperation.referrals.list.none')}</p>
            ) : (
              <ReferralsTable rows={rows} direction={filter.direction} />
            )
          }
        </Loaded>
      </section>
    </>
  );
}

function ReferralsTable({ rows, direction }: { rows: CrossBorderReferral[]; direction: Direction }) {
  const { t } = useTranslation();
  const formatTime = useDateFormat(DATE_TIME);
  return (
    <ScrollingTable caption={t(`cooperation.referrals.list.captions.${direction}`, { count: rows.length })}>
      <thead>
        <tr>
          <th scope="col">{t('cooperation.referrals.list.referral')}</th>
          <th scope="col">{t('cooperation.referrals.kind')}</th>
          <th scope="col">{t('cooperation.referrals.purpose')}</th>
          <th scope="col">{t('cooperation.referrals.status')}</th>
          <th scope="col">{t(`cooperation.referrals.facts.offeredAt.${direction}`)}</th>
          <th scope="col">{t('cooperation.referrals.facts.respondedAt')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.id}>
            <th scope="row">
              <Link to={referralPath(row.id)}>
                {t(`cooperation.referrals.titles.${row.direction}`, { peer: row.peerName ?? row.peer })}
              </Link>
              <br />
              <span className="hint identifier">
                {row.peer} · <bdi>{row.caseReference ?? row.remoteCaseReference ?? row.id}</bdi>
              </span>
            </th>
            <td>{t(`cooperation.referrals.kinds.${row.kind}`)}</td>
            <td>{t(`cooperation.referrals.purposes.${row.purpose}`)}</td>
            <td>{t(`cooperation.referrals.statuses.${row.status}`)}</td>
            <td>
              <time dateTime={row.offeredAt}>{formatTime(row.offeredAt)}</time>
              {row.offeredByName && (
                <>
                  <br />
                  <span className="hint">{t('consent.by', { name: isolate(row.offeredByName) })}</span>
                </>
              )}
            </td>
            <td>{row.respondedAt ? <time dateTime={row.respondedAt}>{formatTime(row.respondedAt)}</time> : '—'}</td>
          </tr>
        ))}
      </tbody>
    </ScrollingTable>
  );
}
