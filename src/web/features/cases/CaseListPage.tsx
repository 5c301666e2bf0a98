import { useCallback, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SessionUser } from '../../api.ts';
import { SelectField, TextField } from '../../components/Field.tsx';
import { PageHeading } from '../../components/PageHeading.tsx';
import { fieldText, useForm } from '../../components/useForm.tsx';
import { Loaded, useResource } from '../../components/useResource.tsx';
import { Link } from '../../router.tsx';
import { CaseSearch } from './CaseSearch.tsx';
import { CaseTable } from './CaseTable.tsx';
import {
  type CaseFilter,
  type CaseSummary,
  casesApi,
  type SearchHit,
  type SearchQuery,
  type Stage,
} from './cases-api.ts';
import { SavedFilters } from './SavedFilters.tsx';
import { STAGES } from './vocabulary.ts';

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

/**
 * The cases to work from: the list first, with what tells rows apart (assignee, risk, next deadline, last activity,
 * who referred it, the case worker's label); finding a survivor by name or identifiers is folded below it.
 */
export function CaseListPage({ state, onState, agencyName, canCreate, canImport }: CaseListPageProps) {
  const { t } = useTranslation();
  return (
    <>
      <PageHeading title={t('nav.cases')} />
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
      <CaseList filter={state.filter} onFilter={(filter) => onState({ ...state, filter })} agencyName={agencyName} />
      <details className="disclosure" open={state.search !== null}>
        <summary>{t('caseList.findSurvivor')}</summary>
        <p>{t('cases.intro')}</p>
        <CaseSearch
          search={state.search}
          onSearch={(search) => onState({ ...state, search })}
          agencyName={agencyName}
        />
      </details>
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
  const cases = useResource(
    useCallback(() => casesApi.list({ ...filter, cursor: undefined, offset: 0 }), [filter]),
    { key: ['cases', 'list', filter] },
  );
  // Pages after the first, fetched by "Load more" with the cursor of the page before; a new filter starts again.
  const [more, setMore] = useState<{ rows: CaseSummary[]; cursor: string | null } | null>(null);
  const [loading, setLoading] = useState(false);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new filter drops the pages loaded for the old one.
  useEffect(() => setMore(null), [filter]);
  const loadMore = async (cursor: string) => {
    setLoading(true);
    try {
      const page = await casesApi.list({ ...filter, cursor, offset: 0 });
      setMore((before) => ({ rows: [...(before?.rows ?? []), ...page.cases], cursor: page.nextCursor }));
    } finally {
      setLoading(false);
    }
  };
  const form = useForm(async (data) => {
    const stage = fieldText(data, 'stage') as Stage | '';
    const reference = fieldText(data, 'reference');
    onFilter({ ...filter, stage: stage || undefined, reference: reference || undefined });
  });

  return (
    <section aria-labelledby={`${ids}-title`} className="section">
      <h2 id={`${ids}-title`}>{t('cases.listTitle')}</h2>
      <div className="actions">
        <label className="toggle">
          <input
            type="checkbox"
            checked={filter.mine === true}
            onChange={(event) => onFilter({ ...filter, mine: event.currentTarget.checked || undefined })}
          />{' '}
          {t('caseList.mine')}
        </label>
        <SavedFilters filter={filter} onFilter={onFilter} />
      </div>
      <details className="disclosure">
        <summary>{t('cases.filterTitle')}</summary>
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
      </details>
      <Loaded resource={cases}>
        {({ total, cases: first, nextCursor }) => {
          const rows = [...first, ...(more?.rows ?? [])];
          const cursor = more ? more.cursor : nextCursor;
          return (
            <>
              <p role="status" className="summary">
                {total === 0 ? t('cases.none') : t('caseList.shown', { shown: rows.length, count: total })}
              </p>
              {rows.length > 0 && (
                <CaseTable
                  rows={rows}
                  agencyName={agencyName}
                  sort={filter.sort ?? 'lastActivity'}
                  dir={filter.dir}
                  onSort={(sort, dir) => onFilter({ ...filter, sort, dir })}
                />
              )}
              {cursor && (
                <p className="actions">
                  <button
                    type="button"
                    className="button secondary"
                    disabled={loading}
                    onClick={() => loadMore(cursor)}
                  >
                    {t('caseList.loadMore')}
                  </button>
                </p>
              )}
            </>
          );
        }}
      </Loaded>
    </section>
  );
}
