import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { isolate } from '../../i18n/i18n.ts';
import type { UploadPhase } from './useEvidenceUpload.tsx';

/**
 * The upload's progress bar. It stays full once the item is stored, so that the end of the upload remains visible.
 * The status line changes with the phase only, so a screen reader announces each phase once rather than every step.
 */
export function UploadProgressBar({ phase }: { phase: UploadPhase }) {
  const { t } = useTranslation();
  const id = useId();
  const status =
    phase.kind === 'uploading'
      ? t('evidence.upload.uploading')
      : phase.kind === 'storing'
        ? t('evidence.upload.storing')
        : phase.kind === 'done'
          ? t('evidence.upload.done', { title: isolate(phase.title) })
          : '';
  const total = phase.kind === 'uploading' ? phase.progress.total : phase.kind === 'idle' ? null : phase.total;
  const sent = phase.kind === 'uploading' ? phase.progress.sent : total;

  return (
    <>
      {phase.kind !== 'idle' && (
        <div className="field">
          <label htmlFor={id}>{t('evidence.upload.progress')}</label>
          {total ? <progress id={id} max={total} value={sent ?? 0} /> : <progress id={id} />}
        </div>
      )}
      <p role="status" className={phase.kind === 'done' ? 'notice' : undefined}>
        {status}
      </p>
    </>
  );
}
