/**
 * The handling code and grading that travel with what a node shares (src/shared/handling.ts): one way to set them in
 * a form (a referral, a JIT entry, an MLA request) and one way to show them, in the words the evidence pages use.
 */
import { useTranslation } from 'react-i18next';
import {
  HANDLING_CODES,
  type HandlingCode,
  INFORMATION_ACCURACY,
  type InformationAccuracy,
  SOURCE_RELIABILITY,
  type SourceReliability,
} from '../../shared/evidence.ts';
import { DEFAULT_HANDLING_CODE, type Handling } from '../../shared/handling.ts';
import { SelectField } from './Field.tsx';

/** The handling a form's fields give; what is left empty is left to the node's default. */
export function handlingFrom(data: FormData): Partial<Handling> {
  const code = String(data.get('handlingCode') ?? '');
  const reliability = String(data.get('sourceReliability') ?? '');
  const accuracy = String(data.get('informationAccuracy') ?? '');
  return {
    ...((HANDLING_CODES as readonly string[]).includes(code) ? { handlingCode: code as HandlingCode } : {}),
    ...((SOURCE_RELIABILITY as readonly string[]).includes(reliability)
      ? { sourceReliability: reliability as SourceReliability }
      : {}),
    ...(INFORMATION_ACCURACY.map(String).includes(accuracy)
      ? { informationAccuracy: Number(accuracy) as InformationAccuracy }
      : {}),
  };
}

/** The three choices: `current` preselected (a draft's), else H0 and ungraded. */
export function HandlingFields({ current }: { current?: Partial<Handling> | null }) {
  const { t } = useTranslation();
  const codeLabel = (code: string, meaning: string) => t('evidence.codeLabel', { code, meaning });
  return (
    <fieldset className="form-section">
      <legend>{t('sharing.handling.legend')}</legend>
      <p className="hint">{t('sharing.handling.hint')}</p>
      <SelectField
        label={t('evidence.fields.handlingCode')}
        name="handlingCode"
        defaultValue={current?.handlingCode ?? DEFAULT_HANDLING_CODE}
      >
        {HANDLING_CODES.map((code) => (
          <option key={code} value={code}>
            {codeLabel(code, t(`evidence.handling.${code}`))}
          </option>
        ))}
      </SelectField>
      <SelectField
        label={t('evidence.fields.sourceReliability')}
        name="sourceReliability"
        defaultValue={current?.sourceReliability ?? ''}
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
        defaultValue={current?.informationAccuracy ?? ''}
      >
        <option value="">{t('evidence.notStated')}</option>
        {INFORMATION_ACCURACY.map((code) => (
          <option key={code} value={code}>
            {codeLabel(String(code), t(`evidence.accuracy.${code}`))}
          </option>
        ))}
      </SelectField>
    </fieldset>
  );
}

/** "H2 – No onward sharing · B – … · 2 – …", or the code and "Not graded". */
export function HandlingSummary({ handling }: { handling: Partial<Handling> }) {
  const { t } = useTranslation();
  const code = handling.handlingCode ?? DEFAULT_HANDLING_CODE;
  const codeLabel = (value: string, meaning: string) => t('evidence.codeLabel', { code: value, meaning });
  const parts = [codeLabel(code, t(`evidence.handling.${code}`))];
  if (handling.sourceReliability) {
    parts.push(codeLabel(handling.sourceReliability, t(`evidence.reliability.${handling.sourceReliability}`)));
  }
  if (handling.informationAccuracy) {
    parts.push(codeLabel(String(handling.informationAccuracy), t(`evidence.accuracy.${handling.informationAccuracy}`)));
  }
  if (!handling.sourceReliability && !handling.informationAccuracy) parts.push(t('evidence.notGraded'));
  return <span className="handling">{parts.join(' · ')}</span>;
}
