import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ScrollingTable } from '../../components/ScrollingTable.tsx';
import { useListFormat } from '../../i18n/format.ts';
import { isolate } from '../../i18n/i18n.ts';
import { Link } from '../../router.tsx';
import { htcdsApi, type ImportResult, type RejectedRow } from './htcds-api.ts';
import type { LastImport, Outcome } from './ImportPage.tsx';

/**
 * What an import did. The heading takes the focus when it appears, so that the user hears the outcome first; the
 * imported cases are links, and each refused row says which column is wrong and why (never the value).
 */
export function ImportOutcome({ outcome, last }: { outcome: Outcome; last: LastImport | null }) {
  const { t } = useTranslation();
  const ids = useId();
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    heading.current?.focus();
  }, []);

  return (
    <section aria-labelledby={`${ids}-title`} className="subsection">
      <h3 id={`${ids}-title`} ref={heading} tabIndex={-1}>
        {t('import.resultTitle')}
      </h3>
      {outcome.kind === 'failed' ? (
        <p className="alert">{t('import.failed', { message: outcome.message })}</p>
      ) : outcome.kind === 'refused' ? (
        <>
          <p className="alert">{t('import.refused', { count: new Set(outcome.rejected.map((r) => r.row)).size })}</p>
          {last && <DownloadRejected last={last} />}
          <RejectedRows rows={outcome.rejected} />
        </>
      ) : (
        <Imported result={outcome.result} last={last} />
      )}
    </section>
  );
}

function Imported({ result, last }: { result: ImportResult; last: LastImport | null }) {
  const { t } = useTranslation();
  const list = useListFormat();
  return (
    <>
      <p className="notice">{t('import.imported', { count: result.imported, rows: result.rows })}</p>
      {result.unknownColumns.length > 0 && (
        <p className="warning">{t('import.unknownColumns', { columns: list(result.unknownColumns.map(isolate)) })}</p>
      )}
      {result.renamedColumns.length > 0 && (
        <div className="warning">
          <p>{t('import.renamedColumns')}</p>
          <ul>
            {result.renamedColumns.map((renamed) => (
              <li key={renamed.column}>
                {t('import.renamed', {
                  column: isolate(renamed.column),
                  header: isolate(renamed.header),
                  label: isolate(renamed.label),
                  field: isolate(renamed.field),
                })}
              </li>
            ))}
          </ul>
        </div>
      )}
      {result.references.length > 0 && (
        <>
          <h4>{t('import.cases')}</h4>
          <ul>
            {result.references.map((reference) => (
              <li key={reference}>
                <Link to={`/cases/ref/${encodeURIComponent(reference)}`}>
                  <bdi>{reference}</bdi>
                </Link>
              </li>
            ))}
          </ul>
        </>
      )}
      {result.alreadyImported.length > 0 && (
        <>
          <p>{t('import.alreadyImported', { count: result.alreadyImported.length })}</p>
          <ul>
            {result.alreadyImported.map(({ row, reference }) => (
              <li key={row}>
                {reference === null ? (
                  t('import.alreadySameRow', { row })
                ) : (
                  <Link to={`/cases/ref/${encodeURIComponent(reference)}`}>
                    {t('import.alreadyRow', { row, reference: isolate(reference) })}
                  </Link>
                )}
              </li>
            ))}
          </ul>
        </>
      )}
      {result.rejected.length > 0 && (
        <>
          <p>{t('import.skipped', { count: new Set(result.rejected.map((r) => r.row)).size })}</p>
          {last && <DownloadRejected last={last} />}
          <RejectedRows rows={result.rejected} />
        </>
      )}
    </>
  );
}

/**
 * The rejected rows as a spreadsheet, fetched when asked for: the node reads the same file again, imports nothing,
 * and answers with the refused rows and why. Saved through a link to the downloaded data, as a plain link would be.
 */
function DownloadRejected({ last }: { last: LastImport }) {
  const { t } = useTranslation();
  const ids = useId();
  const [pending, setPending] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  const download = async () => {
    if (pending) return;
    setPending(true);
    setProblem(null);
    try {
      const blob = await htcdsApi.rejectedRows(last.agencyId, last.file);
      const url = URL.createObjectURL(blob);
      const link = document.createElement('a');
      link.href = url;
      link.download = 'rejected-rows.xlsx';
      document.body.append(link);
      link.click();
      link.remove();
      // The browser has started saving the file by now; the data need not stay in memory.
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (failure) {
      setProblem(failure instanceof Error ? failure.message : String(failure));
    } finally {
      setPending(false);
    }
  };

  return (
    <div className="field">
      <button
        type="button"
        className="button secondary"
        aria-describedby={`${ids}-hint`}
        aria-disabled={pending}
        onClick={download}
      >
        {t('import.downloadRejected')}
      </button>
      <p id={`${ids}-hint`} className="hint">
        {t('import.downloadRejectedHint')}
      </p>
      {problem !== null && (
        <p role="alert" className="alert">
          {t('import.downloadFailed', { message: problem })}
        </p>
      )}
    </div>
  );
}

function RejectedRows({ rows }: { rows: RejectedRow[] }) {
  const { t } = useTranslation();
  return (
    <ScrollingTable caption={t('import.rejectedCaption', { count: rows.length })}>
      <thead>
        <tr>
          <th scope="col">{t('import.row')}</th>
          <th scope="col">{t('import.column')}</th>
          <th scope="col">{t('import.reason')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((rejected, index) => (
          // A row can fail on several columns, and one column for several reasons.
          // biome-ignore lint/suspicious/noArrayIndexKey: the list is shown once and never reordered.
          <tr key={index}>
            <th scope="row">{rejected.row}</th>
            <td>
              <code>{rejected.column}</code>
            </td>
            <td>{rejected.reason}</td>
          </tr>
        ))}
      </tbody>
    </ScrollingTable>
  );
}
