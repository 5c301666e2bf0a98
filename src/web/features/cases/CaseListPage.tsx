import { useCallback, useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { SessionUser } from '../../api.ts';
import { SelectField, TextField } from '../../components/Field.tsx';
import { PageHeading } from '../../components/PageHeading.tsx';
import { ScrollingTable } from '../../components/ScrollingTable.tsx';
import { fieldText, useForm } from '../../components/useForm.tsx';
import { Loaded, useResource } from '../../components/useResource.tsx';
import { DATE, DAY, useDateFormat } from '../../i18n/format.ts';
import { Link } from '../../router.tsx';
import { CaseSearch } from './CaseSearch.tsx';
import {
  type CaseFilter,
  type CaseSummary,
  casesApi,
  type SearchHit,
  type SearchQuery,
  type Stage,
} from './cases-api.ts';
import { STAGES, useHtcdsLabel } from './vocabulary.ts';

export interface ListState {
  filter: CaseFilter;
  search: { query: SearchQuery; hits: SearchHit[] } | null;
}

interface CaseListPageProps {
  user: SessionUser;
  state: ListState;
  onState(state: ListState): void;
  agencyName(id: string): string;
  canCreate: boolean;
  /** The user may import cases from a spreadsheet into at least one agency. */
  canImport: boolean;
}

/** The cases the user may see: found by the survivor's name or identifiers, or listed by stage and reference. */
export function CaseListPage({ user, state, onState, agencyName, canCreate, canImport }: CaseListPageProps) {
  const { t } = useTranslation();
  return (
    <>
      <PageHeading title={t('nav.cases')} />
      <p>{t('cases.intro')}</p>
      {(canCreate || canImport) && (
        <p className="actions">
          {canCreate && (
            <Link to="/cases/new" className="button">
              {t('cases.new')}
            </Link>
          )}
          {canImport && (
            <Link to="/cases/import" className="button secondary">
              {t('cases.import')}
            </Link>
          )}
        </p>
      )}
      <CaseSearch search={state.search} onSearch={(search) => onState({ ...state, search })} agencyName={agencyName} />
      <CaseList filter={state.filter} onFilter={(filter) => onState({ ...state, filter })} agencyName={agencyName} />
    </>
  );
}

function CaseList({
  filter,
  onFilter,
  agencyName,
}: {
  filter: CaseFilter;
  onFilter(filter: CaseFilter): void;
  agencyName(id: string): string;
}) {
  const { t } = useTranslation();
  const ids = useId();
  const cases = useResource(useCallback(() => casesApi.list(filter), [filter]));
  const form = useForm(async (data) => {
    const stage = fieldText(data, 'stage') as Stage | '';
    const reference = fieldText(data, 'reference');
    onFilter({ limit: filter.limit, offset: 0, stage: stage || undefined, reference: reference || undefined });
  });

  return (
    <section aria-labelledby={`${ids}-title`} className="section">
      <h2 id={`${ids}-title`}>{t('cases.listTitle')}</h2>
      <form className="form filters-form" noValidate aria-label={t('cases.filterTitle')} onSubmit={form.onSubmit}>
        <div className="filters">
          <SelectField label={t('cases.stage')} name="stage" defaultValue={filter.stage ?? ''}>
            <option value="">{t('cases.anyStage')}</option>
            {STAGES.map((stage) => (
              <option key={stage} value={stage}>
                {t(`stages.${stage}`)}
              </option>
            ))}
          </SelectField>
          <TextField
            label={t('cases.reference')}
            hint={t('cases.referenceHint')}
            name="reference"
            autoComplete="off"
            maxLength={40}
            defaultValue={filter.reference ?? ''}
          />
        </div>
        <button type="submit" className="button secondary">
          {t('cases.applyFilter')}
        </button>
      </form>
      <Loaded resource={cases}>
        {({ total, cases: rows }) => (
          <>
            <p role="status" className="summary">
              {total === 0
                ? t('cases.none')
                : t('cases.range', { from: filter.offset + 1, to: filter.offset + rows.length, count: total })}
            </p>
            {rows.length > 0 && <CaseTable rows={rows} agencyName={agencyName} />}
            {total > filter.limit && (
              <nav className="actions pager" aria-label={t('cases.pages')}>
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

function CaseTable({ rows, agencyName }: { rows: CaseSummary[]; agencyName(id: string): string }) {
  const { t } = useTranslation();
  const formatDate = useDateFormat(DATE);
  const formatDay = useDateFormat(DAY);
  const label = useHtcdsLabel();
  return (
    <ScrollingTable caption={t('cases.caption', { count: rows.length })}>
      <thead>
        <tr>
          <th scope="col">{t('cases.reference')}</th>
          <th scope="col">{t('cases.stage')}</th>
          <th scope="col">{t('cases.traffickingStatus')}</th>
          <th scope="col">{t('cases.reported')}</th>
          <th scope="col">{t('cases.agency')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.id}>
            <th scope="row" className="identifier">
              <Link to={`/cases/${encodeURIComponent(row.id)}`}>
                <bdi>{row.reference}</bdi>
              </Link>
              {row.erased && <span className="tag">{t('cases.erased')}</span>}
            </th>
            <td>
              {t(`stages.${row.stage}`)}
              <br />
              <span className="hint">{t('cases.since', { date: formatDate(row.stageSince) })}</span>
            </td>
            <td>{row.traffickingStatus ? label('vic_TraffickingStatus', row.traffickingStatus) : '—'}</td>
            <td>{formatDay(row.reportedAt)}</td>
            <td>
              <bdi>{agencyName(row.agencyId)}</bdi>
            </td>
          </tr>
        ))}
      </tbody>
    </ScrollingTable>
  );
}
