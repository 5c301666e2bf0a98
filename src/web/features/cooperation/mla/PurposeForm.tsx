import { useTranslation } from 'react-i18next';
import type { Purpose, SessionUser } from '../../../api.ts';
import { SelectField } from '../../../components/Field.tsx';
import { fieldText } from '../../../components/useForm.tsx';
import { allows } from '../../cases/vocabulary.ts';
import { PERSONS_PURPOSES } from './mla-api.ts';
import { MlaProblem, useMlaForm } from './mla-errors.tsx';

/** The purposes for which the user may read what a request says about people; none for a coordinator. */
export const personsPurposes = (user: SessionUser) =>
  PERSONS_PURPOSES.filter((purpose) => allows(user, 'mla.read_persons', null, purpose));

/**
 * Asks why the user needs the persons concerned and the summary of facts, as the case's identity panel asks before
 * showing an identity: the node records each read with its purpose.
 */
export function PurposeForm({
  purposes,
  label,
  submit,
  pending,
  onPurpose,
}: {
  purposes: readonly Purpose[];
  label: string;
  submit: string;
  pending: string;
  onPurpose(purpose: Purpose): Promise<void>;
}) {
  const { t } = useTranslation();
  const form = useMlaForm(async (data) => {
    const purpose = fieldText(data, 'purpose') as Purpose | '';
    if (!purpose) throw new MlaProblem('persons_purpose_missing', 'purpose');
    await onPurpose(purpose);
  });
  return (
    <form className="form" noValidate aria-label={label} onSubmit={form.onSubmit}>
      {form.error}
      <SelectField
        label={t('cooperation.mla.persons.purpose')}
        hint={t('cooperation.mla.persons.purposeHint')}
        name="purpose"
        required
        defaultValue=""
        errorId={form.errorFor('purpose')}
      >
        <option value="">{t('admin.choose')}</option>
        {purposes.map((purpose) => (
          <option key={purpose} value={purpose}>
            {t(`purposes.${purpose}`)}
          </option>
        ))}
      </SelectField>
      <button type="submit" className="button" aria-disabled={form.pending}>
        {form.pending ? pending : submit}
      </button>
    </form>
  );
}
