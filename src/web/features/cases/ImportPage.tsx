import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type Agency, ApiError, type UploadProgress } from '../../api.ts';
import { SelectField, TextField } from '../../components/Field.tsx';
import { PageHeading } from '../../components/PageHeading.tsx';
import { FormProblem, useForm } from '../../components/useForm.tsx';
import { Link } from '../../router.tsx';
import { htcdsApi, type ImportResult, type RejectedRow, rejectedRowsOf } from './htcds-api.ts';
import { ImportOutcome } from './ImportOutcome.tsx';

type Phase = { kind: 'idle' } | { kind: 'uploading'; progress: UploadProgress } | { kind: 'importing' };

/**
 * The result of the last import: what was imported, the rows that stopped it, or the node's own words for a file it
 * could not take (an empty template, a survey form instead of its answers), which say more than a general message.
 */
export type Outcome =
  | { kind: 'imported'; result: ImportResult }
  | { kind: 'refused'; rejected: RejectedRow[] }
  | { kind: 'failed'; message: string };

/** The file and agency of the last import, to ask the node for its rejected rows as a spreadsheet. */
export type LastImport = { agencyId: string; file: File };

/**
 * Imports cases of one agency from an HTCDS toolkit spreadsheet or a KoBoToolbox/ODK export, and downloads the
 * agency's cases as a spreadsheet without identities. The upload shows its progress; the import itself is one
 * answer from the node, which takes every row or none unless the user asks for the valid rows only.
 */
export function ImportPage({ agencies }: { agencies: Agency[] }) {
  const { t } = useTranslation();
  const ids = useId();
  const [agencyId, setAgencyId] = useState('');
  const [phase, setPhase] = useState<Phase>({ kind: 'idle' });
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [last, setLast] = useState<LastImport | null>(null);
  const chosen = agencies.some((agency) => agency.id === agencyId) ? agencyId : (agencies[0]?.id ?? '');

  const form = useForm(async (data) => {
    const file = data.get('file');
    if (!(file instanceof File) || file.size === 0) throw new FormProblem('file_missing', 'file');
    setOutcome(null);
    setLast({ agencyId: chosen, file });
    setPhase({ kind: 'uploading', progress: { sent: 0, total: file.size } });
    try {
      const result = await htcdsApi.import(chosen, file, data.get('partial') === 'on', {
        onProgress: (progress) => setPhase({ kind: 'uploading', progress }),
        onSent: () => setPhase({ kind: 'importing' }),
      });
      setOutcome({ kind: 'imported', result });
    } catch (failure) {
      const rejected = rejectedRowsOf(failure);
      if (rejected) setOutcome({ kind: 'refused', rejected });
      else if (failure instanceof ApiError && failure.status >= 400 && failure.status < 500 && failure.message) {
        // What the node says about the file itself; session and network problems keep the form's own messages.
        if (['not_signed_in', 'session_expired', 'csrf_invalid', 'forbidden'].includes(failure.id)) throw failure;
        setOutcome({ kind: 'failed', message: failure.message });
      } else throw failure;
    } finally {
      setPhase({ kind: 'idle' });
    }
  });

  return (
    <>
      <PageHeading title={t('import.title')} />
      <p>
        <Link to="/cases">{t('import.back')}</Link>
      </p>
      <p>{t('import.intro')}</p>
      {agencies.length > 1 ? (
        <SelectField
          label={t('import.agency')}
          name="agencyId"
          value={chosen}
          onChange={(event) => {
            setAgencyId(event.target.value);
            setOutcome(null);
          }}
        >
          {agencies.map((agency) => (
            <option key={agency.id} value={agency.id}>
              {agency.name}
            </option>
          ))}
        </SelectField>
      ) : (
        agencies[0] && <p>{t('import.agencyOnly', { agency: agencies[0].name })}</p>
      )}

      <section aria-labelledby={`${ids}-import`} className="section">
        <h2 id={`${ids}-import`}>{t('import.importTitle')}</h2>
        <form className="form" noValidate aria-labelledby={`${ids}-import`} onSubmit={form.onSubmit}>
          {form.error}
          <TextField
            label={t('import.file')}
            hint={t('import.fileHint')}
            name="file"
            type="file"
            accept=".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"
            required
            errorId={form.errorFor('file')}
          />
          <div className="field">
            <label className="choice">
              <input type="checkbox" name="partial" aria-describedby={`${ids}-partial`} />
              {t('import.partial')}
            </label>
            <p id={`${ids}-partial`} className="hint">
              {t('import.partialHint')}
            </p>
          </div>
          <button type="submit" className="button" aria-disabled={form.pending}>
            {form.pending ? t('import.importing') : t('import.submit')}
          </button>
          <ImportProgress phase={phase} />
        </form>
        {outcome && <ImportOutcome outcome={outcome} last={last} />}
      </section>

      <section aria-labelledby={`${ids}-export`} className="section">
        <h2 id={`${ids}-export`}>{t('import.exportTitle')}</h2>
        <p>{t('import.exportIntro')}</p>
        {chosen && (
          <p>
            <a className="button secondary" href={htcdsApi.exportUrl(chosen)} download>
              {t('import.export')}
            </a>
          </p>
        )}
      </section>
    </>
  );
}

/** The upload's progress bar, then a message while the node reads the rows; both are announced as they start. */
function ImportProgress({ phase }: { phase: Phase }) {
  const { t } = useTranslation();
  const ids = useId();
  // The status changes with the phase only, so it is announced once for each, not at every step of the bar.
  const status =
    phase.kind === 'uploading' ? t('import.uploading') : phase.kind === 'importing' ? t('import.reading') : '';

  return (
    <>
      {phase.kind === 'uploading' && (
        <div className="field">
          <label htmlFor={`${ids}-progress`}>{t('import.progress')}</label>
          {phase.progress.total ? (
            <progress id={`${ids}-progress`} max={phase.progress.total} value={phase.progress.sent} />
          ) : (
            <progress id={`${ids}-progress`} />
          )}
        </div>
      )}
      <p role="status">{status}</p>
    </>
  );
}
