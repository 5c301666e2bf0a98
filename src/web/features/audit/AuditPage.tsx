import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AUDIT_PAGE_SIZE, type AuditQuery, type AuditRecord, api } from '../../api.ts';
import { type ErrorId, ErrorMessage, errorIdOf } from '../../components/ErrorMessage.tsx';
import { PageHeading } from '../../components/PageHeading.tsx';
import { AuditQueryForm } from './AuditQueryForm.tsx';
import { AuditTable } from './AuditTable.tsx';
import { ChainCheck } from './ChainCheck.tsx';

interface Results {
  query: AuditQuery;
  records: AuditRecord[];
  /** False while the last page was full: the trail may hold more matching records after it. */
  complete: boolean;
}

/** The audit trail: who did what on this node, read for a stated purpose that is itself recorded. */
export function AuditPage() {
  const { t } = useTranslation();
  const [results, setResults] = useState<Results | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [error, setError] = useState<ErrorId | null>(null);

  const show = (query: AuditQuery, records: AuditRecord[]) => {
    setError(null);
    setResults({ query, records, complete: records.length < AUDIT_PAGE_SIZE });
  };

  const loadMore = async () => {
    if (!results || loadingMore) return;
    setLoadingMore(true);
    setError(null);
    try {
      const next = await api.audit({ ...results.query, afterSeq: results.records.at(-1)?.seq ?? 0 });
      setResults({ ...results, records: [...results.records, ...next], complete: next.length < AUDIT_PAGE_SIZE });
    } catch (failure) {
      setError(errorIdOf(failure));
    } finally {
      setLoadingMore(false);
    }
  };

  return (
    <>
      <PageHeading title={t('nav.audit')} />
      <p>{t('audit.intro')}</p>
      <AuditQueryForm onResults={show} />
      <p role="status" className="summary">
        {results &&
          (results.complete
            ? t('audit.found', { count: results.records.length })
            : t('audit.foundMore', { count: results.records.length }))}
      </p>
      {results && results.records.length > 0 && <AuditTable records={results.records} />}
      {error && <ErrorMessage errorId={error} />}
      {results && !results.complete && (
        <button type="button" className="button secondary" aria-disabled={loadingMore} onClick={() => void loadMore()}>
          {loadingMore ? t('app.loading') : t('audit.more', { count: AUDIT_PAGE_SIZE })}
        </button>
      )}
      <ChainCheck />
    </>
  );
}
