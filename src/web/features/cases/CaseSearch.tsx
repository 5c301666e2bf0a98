import { useId, useMemo, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { TextField } from '../../components/Field.tsx';
import { ScrollingTable } from '../../components/ScrollingTable.tsx';
import { FormProblem, fieldText, useForm } from '../../components/useForm.tsx';
import { Link } from '../../router.tsx';
import { casesApi, type SearchHit, type SearchQuery } from './cases-api.ts';

const FIELDS = ['name', 'document', 'phone', 'birthDate'] as const;

interface CaseSearchProps {
  search: { query: SearchQuery; hits: SearchHit[] } | null;
  onSearch(search: { query: SearchQuery; hits: SearchHit[] } | null): void;
  agencyName(id: string): string;
}

/**
 * Finds a survivor's cases by what the person says or shows: a name in any spelling (Cyrillic and Greek names are
 * matched in Latin letters), a document or phone number, a birth date. The node compares blind indexes and decrypts
 * nothing; the answer names cases by their pseudonymous reference only.
 */
export function CaseSearch({ search, onSearch, agencyName }: CaseSearchProps) {
  const { t, i18n } = useTranslation();
  const ids = useId();
  const formElement = useRef<HTMLFormElement>(null);
  const percent = useMemo(() => new Intl.NumberFormat(i18n.language, { style: 'percent' }), [i18n.language]);
  const form = useForm(async (data) => {
    const query: SearchQuery = {};
    for (const name of FIELDS) {
      const value = fieldText(data, name);
      if (value) query[name] = value;
    }
    if (Object.keys(query).length === 0) throw new FormProblem('search_empty', 'name');
    onSearch({ query, hits: await casesApi.search(query) });
  });

  const clear = () => {
    formElement.current?.reset();
    onSearch(null);
    formElement.current?.querySelector('input')?.focus();
  };

  return (
    <section aria-labelledby={`${ids}-title`} className="section">
      <h2 id={`${ids}-title`}>{t('caseSearch.title')}</h2>
      <form
        ref={formElement}
        className="form"
        noValidate
        aria-labelledby={`${ids}-title`}
        onSubmit={form.onSubmit}
        autoComplete="off"
      >
        <p className="hint">{t('caseSearch.intro')}</p>
        {form.error}
        <div className="filters">
          <TextField
            label={t('caseSearch.name')}
            hint={t('caseSearch.nameHint')}
            name="name"
            maxLength={200}
            defaultValue={search?.query.name ?? ''}
            errorId={form.errorFor('name')}
          />
          <TextField
            label={t('caseSearch.document')}
            name="document"
            maxLength={60}
            defaultValue={search?.query.document ?? ''}
          />
          <TextField
            label={t('caseSearch.phone')}
            hint={t('caseSearch.phoneHint')}
            name="phone"
            type="tel"
            maxLength={40}
            defaultValue={search?.query.phone ?? ''}
          />
          <TextField
            label={t('caseSearch.birthDate')}
            name="birthDate"
            type="date"
            defaultValue={search?.query.birthDate ?? ''}
          />
        </div>
        <div className="actions">
          <button type="submit" className="button" aria-disabled={form.pending}>
            {form.pending ? t('caseSearch.searching') : t('caseSearch.submit')}
          </button>
          {search && (
            <button type="button" className="button secondary" onClick={clear}>
              {t('caseSearch.clear')}
            </button>
          )}
        </div>
      </form>
      <p role="status" className="summary">
        {search && t('caseSearch.found', { count: search.hits.length })}
      </p>
      {search && search.hits.length > 0 && (
        <ScrollingTable caption={t('caseSearch.caption', { count: search.hits.length })}>
          <thead>
            <tr>
              <th scope="col">{t('cases.reference')}</th>
              <th scope="col">{t('caseSearch.match')}</th>
              <th scope="col">{t('cases.stage')}</th>
              <th scope="col">{t('cases.agency')}</th>
            </tr>
          </thead>
          <tbody>
            {search.hits.map((hit) => (
              <tr key={hit.caseId}>
                <th scope="row" className="identifier">
                  <Link to={`/cases/${encodeURIComponent(hit.caseId)}`}>
                    <bdi>{hit.reference}</bdi>
                  </Link>
                </th>
                <td>{percent.format(hit.score)}</td>
                <td>{t(`stages.${hit.stage}`)}</td>
                <td>
                  <bdi>{agencyName(hit.agencyId)}</bdi>
                </td>
              </tr>
            ))}
          </tbody>
        </ScrollingTable>
      )}
    </section>
  );
}
