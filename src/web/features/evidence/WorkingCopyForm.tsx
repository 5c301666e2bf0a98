import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { ChoiceField, TextAreaField, TextField } from '../../components/Field.tsx';
import { fieldText } from '../../components/useForm.tsx';
import { isolate } from '../../i18n/i18n.ts';
import { type EvidenceItem, evidenceApi, TRANSFORMATIONS, type UploadCallbacks } from './evidence-api.ts';
import { UploadProgressBar } from './UploadProgressBar.tsx';
import { type FieldProblems, useEvidenceUpload } from './useEvidenceUpload.tsx';

const CONTROLS = ['file', 'transformation', 'title', 'description'] as const;

/**
 * Adds a working copy of an item: a redaction, transcript or translation made outside Passage. The copy is a new item
 * that names its original and how it was made; the original never changes.
 */
export function WorkingCopyForm({ original, onAdded }: { original: EvidenceItem; onAdded(item: EvidenceItem): void }) {
  const { t } = useTranslation();
  const ids = useId();
  const upload = useEvidenceUpload(CONTROLS);

  const check = (data: FormData): FieldProblems =>
    fieldText(data, 'transformation') ? {} : { transformation: t('evidence.fieldErrors.transformation') };

  const send = (data: FormData, file: File, callbacks: UploadCallbacks) =>
    evidenceApi.derive(
      original.id,
      Object.fromEntries(CONTROLS.filter((name) => name !== 'file').map((name) => [name, fieldText(data, name)])),
      file,
      callbacks,
    );

  return (
    <form
      className="form subsection"
      noValidate
      aria-labelledby={`${ids}-title`}
      onSubmit={async (event) => {
        const form = event.currentTarget;
        const item = await upload.submit(event, check, send);
        if (item) {
          form.reset();
          onAdded(item);
        }
      }}
    >
      <h4 id={`${ids}-title`}>{t('evidence.copy.title', { title: isolate(original.title) })}</h4>
      <p className="hint">{t('evidence.copy.intro')}</p>
      {upload.problem}
      <TextField label={t('evidence.copy.file')} name="file" type="file" required error={upload.errorFor('file')} />
      <ChoiceField
        label={t('evidence.copy.transformation')}
        name="transformation"
        type="radio"
        required
        options={TRANSFORMATIONS.map((transformation) => ({
          value: transformation,
          label: t('evidence.codeLabel', {
            code: t(`evidence.transformations.${transformation}`),
            meaning: t(`evidence.transformationHints.${transformation}`),
          }),
        }))}
        error={upload.errorFor('transformation')}
      />
      <TextField
        label={t('evidence.copy.copyTitle')}
        hint={t('evidence.copy.copyTitleHint')}
        name="title"
        autoComplete="off"
        error={upload.errorFor('title')}
      />
      <TextAreaField
        label={t('evidence.copy.note')}
        hint={t('evidence.copy.noteHint')}
        name="description"
        error={upload.errorFor('description')}
      />
      <button type="submit" className="button" aria-disabled={upload.busy}>
        {upload.busy ? t('evidence.upload.sending') : t('evidence.copy.submit')}
      </button>
      <UploadProgressBar phase={upload.phase} />
    </form>
  );
}
