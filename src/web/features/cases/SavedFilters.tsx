import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ErrorId } from '../../components/ErrorMessage.tsx';
import { ErrorMessage, errorIdOf } from '../../components/ErrorMessage.tsx';
import { useResource } from '../../components/useResource.tsx';
import { type CaseFilter, casesApi, type SavedCaseFilter } from './cases-api.ts';

/** The user's saved filters of the case list: apply one, save the current one under a name, delete one. */
export function SavedFilters({ filter, onFilter }: { filter: CaseFilter; onFilter(filter: CaseFilter): void }) {
  const { t } = useTranslation();
  const saved = useResource(
    useCallback(() => casesApi.savedFilters(), []),
    { key: ['cases', 'filters'] },
  );
  const [chosen, setChosen] = useState('');
  const [problem, setProblem] = useState<ErrorId | null>(null);
  const [name, setName] = useState('');
  const filters = saved.data ?? [];
  const apply = (id: string) => {
    setChosen(id);
    const found = filters.find((f) => f.id === id);
    if (found) onFilter({ limit: filter.limit, offset: 0, ...(found.filter as Partial<CaseFilter>) });
  };
  const save = async () => {
    if (!name.trim()) return;
    setProblem(null);
    try {
      const { stage, reference, mine, sort, dir } = filter;
      const created = await casesApi.saveFilter(name.trim(), { stage, reference, mine, sort, dir });
      saved.set([...filters, created]);
      setChosen(created.id);
      setName('');
    } catch (failure) {
      setProblem(errorIdOf(failure));
    }
  };
  const remove = async () => {
    if (!chosen) return;
    setProblem(null);
    try {
      await casesApi.deleteFilter(chosen);
      saved.set(filters.filter((f: SavedCaseFilter) => f.id !== chosen));
      setChosen('');
    } catch (failure) {
      setProblem(errorIdOf(failure));
    }
  };
  return (
    <>
      <label>
        {t('caseList.filters.label')}{' '}
        <select value={chosen} onChange={(event) => apply(event.currentTarget.value)}>
          <option value="">{t('caseList.filters.none')}</option>
          {filters.map((f) => (
            <option key={f.id} value={f.id}>
              {f.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('caseList.filters.namePrompt')}{' '}
        <input value={name} maxLength={60} onChange={(event) => setName(event.currentTarget.value)} />
      </label>
      <button type="button" className="button secondary" disabled={!name.trim()} onClick={save}>
        {t('caseList.filters.save')}
      </button>
      {chosen && (
        <button type="button" className="button secondary" onClick={remove}>
          {t('caseList.filters.delete')}
        </button>
      )}
      {problem && <ErrorMessage errorId={problem} />}
    </>
  );
}
