import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { TITLE_MAX } from '../../../shared/evidence.ts';
import { ChoiceField, SelectField, TextAreaField, TextField } from '../../components/Field.tsx';
import { fieldText } from '../../components/useForm.tsx';
import {
  EVIDENCE_TYPES,
  type EvidenceItem,
  evidenceApi,
  HANDLING_CODES,
  INFORMATION_ACCURACY,
  SOURCE_RELIABILITY,
} from './evidence-api.ts';
import { UploadProgressBar } from './UploadProgressBar.tsx';
import { type FieldProblems, useEvidenceUpload } from './useEvidenceUpload.tsx';

/** The form's controls in the order they appear: the first one at fault takes the focus. */
const CONTROLS = [
  'file',
  'title',
  'description',
  'type',
  'collectedAt',
  'collectedBy',
  'collectedWhere',
  'source',
  'device',
  'handlingCode',
  'handlingNote',
  'sourceReliability',
  'informationAccuracy',
] as const;
const TEXT_FIELDS = ['title', 'description', 'collectedBy', 'collectedWhere', 'source', 'device', 'handlingNote'];

/**
 * Adds an original to the case: the file with what is known about how it was collected, its handling code and its
 * grading. The file is streamed to the node, which computes its hashes and records a "collected" custody event.
 */
export function EvidenceUpload({ caseId, onAdded }: { caseId: string; onAdded(item: EvidenceItem): void }) {
  const { t } = useTranslation();
  const ids = useId();
  const upload = useEvidenceUpload(CONTROLS);
  const codeLabel = (code: string, meaning: string) => t('evidence.codeLabel', { code, meaning });

  const check = (data: FormData): FieldProblems => {
    const found: FieldProblems = {};
    if (!fieldText(data, 'title')) found.title = t('evidence.fieldErrors.required');
    const handlingCode = fieldText(data, 'handlingCode');
    if (!handlingCode) found.handlingCode = t('evidence.fieldErrors.handlingCode');
    if (handlingCode === 'H3' && !fieldText(data, 'handlingNote')) {
      found.handlingNote = t('evidence.fieldErrors.handlingNote');
    }
    return found;
  };

  const send = (data: FormData, file: File, callbacks: Parameters<typeof evidenceApi.add>[3]) => {
    const fields: Record<string, string> = Object.fromEntries(TEXT_FIELDS.map((name) => [name, fieldText(data, name)]));
    for (const name of ['type', 'handlingCode', 'sourceReliability', 'informationAccuracy']) {
      fields[name] = fieldText(data, name);
    }
    fields.collectedAt = withTimeZone(fieldText(data, 'collectedAt'));
    return evidenceApi.add(caseId, fields, file, callbacks);
  };

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
      <h3 id={`${ids}-title`}>{t('evidence.upload.title')}</h3>
      <p className="hint">{t('evidence.upload.intro')}</p>
      {upload.problem}
      <TextField label={t('evidence.fields.file')} name="file" type="file" required error={upload.errorFor('file')} />
      <TextField
        label={t('evidence.fields.title')}
        name="title"
        required
        maxLength={TITLE_MAX}
        autoComplete="off"
        error={upload.errorFor('title')}
      />
      <TextAreaField
        label={t('evidence.fields.description')}
        hint={t('evidence.fields.descriptionHint')}
        name="description"
        error={upload.errorFor('description')}
      />
      <SelectField label={t('evidence.fields.type')} name="type" defaultValue="" error={upload.errorFor('type')}>
        <option value="">{t('evidence.notStated')}</option>
        {EVIDENCE_TYPES.map((type) => (
          <option key={type} value={type}>
            {t(`evidence.types.${type}`)}
          </option>
        ))}
      </SelectField>
      <fieldset>
        <legend>{t('evidence.upload.collection')}</legend>
        <TextField
          label={t('evidence.fields.collectedAt')}
          hint={t('evidence.fields.collectedAtHint')}
          name="collectedAt"
          type="datetime-local"
          error={upload.errorFor('collectedAt')}
        />
        <TextField
          label={t('evidence.fields.collectedBy')}
          name="collectedBy"
          autoComplete="off"
          error={upload.errorFor('collectedBy')}
        />
        <TextField
          label={t('evidence.fields.collectedWhere')}
          name="collectedWhere"
          autoComplete="off"
          error={upload.errorFor('collectedWhere')}
        />
        <TextField
          label={t('evidence.fields.source')}
          hint={t('evidence.fields.sourceHint')}
          name="source"
          autoComplete="off"
          error={upload.errorFor('source')}
        />
        <TextField
          label={t('evidence.fields.device')}
          name="device"
          autoComplete="off"
          error={upload.errorFor('device')}
        />
      </fieldset>
      <ChoiceField
        label={t('evidence.fields.handlingCode')}
        hint={t('evidence.fields.handlingCodeHint')}
        name="handlingCode"
        type="radio"
        required
        options={HANDLING_CODES.map((code) => ({
          value: code,
          label: codeLabel(code, t(`evidence.handling.${code}`)),
        }))}
        error={upload.errorFor('handlingCode')}
      />
      <TextField
        label={t('evidence.fields.handlingNote')}
        hint={t('evidence.fields.handlingNoteHint')}
        name="handlingNote"
        autoComplete="off"
        error={upload.errorFor('handlingNote')}
      />
      <fieldset>
        <legend>{t('evidence.fields.grading')}</legend>
        <p className="hint">{t('evidence.fields.gradingHint')}</p>
        <SelectField
          label={t('evidence.fields.sourceReliability')}
          name="sourceReliability"
          defaultValue=""
          error={upload.errorFor('sourceReliability')}
        >
          <option value="">{t('evidence.notStated')}</option>
          {SOURCE_RELIABILITY.map((code) => (
            <option key={code} value={code}>
              {codeLabel(code, t(`evidence.reliability.${code}`))}
            </option>
          ))}
        </SelectField>
        <SelectField
          label={t('evidence.fields.informationAccuracy')}
          name="informationAccuracy"
          defaultValue=""
          error={upload.errorFor('informationAccuracy')}
        >
          <option value="">{t('evidence.notStated')}</option>
          {INFORMATION_ACCURACY.map((code) => (
            <option key={code} value={code}>
              {codeLabel(String(code), t(`evidence.accuracy.${code}`))}
            </option>
          ))}
        </SelectField>
      </fieldset>
      <button type="submit" className="button" aria-disabled={upload.busy}>
        {upload.busy ? t('evidence.upload.sending') : t('evidence.upload.submit')}
      </button>
      <UploadProgressBar phase={upload.phase} />
    </form>
  );
}

/**
 * A date and time from a datetime-local control, which has no time zone, as an ISO instant in the browser's own zone
 * (the node needs one). Text the browser did not understand goes as it is, for the node to refuse with its reason.
 */
function withTimeZone(local: string): string {
  if (!local) return '';
  const time = new Date(local);
  return Number.isNaN(time.getTime()) ? local : time.toISOString();
}
