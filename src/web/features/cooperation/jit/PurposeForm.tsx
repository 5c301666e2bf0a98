import { useTranslation } from 'react-i18next';
import type { Purpose } from '../../../api.ts';
import { SelectField } from '../../../components/Field.tsx';
import { fieldText } from '../../../components/useForm.tsx';
import { JitProblem, useJitForm } from './jit-errors.tsx';

/**
 * Asks why the user opens the shared space, as the case's identity panel asks before showing an identity: the node
 * records each read of the space with its purpose.
 */
export function PurposeForm({
  purposes,
  onPurpose,
}: {
  purposes: readonly Purpose[];
  onPurpose(p: Purpose): Promise<void>;
}) {
  const { t } = useTranslation();
  const form = useJitForm(async (data) => {
    const purpose = fieldText(data, 'purpose') as Purpose | '';
    if (!purpose) throw new JitProblem('read_purpose_missing', 'purpose');
    await onPurpose(purpose);
  });
  return (
    <form className="form" noValidate aria-label={t('cooperation.jit.space.purposeForm')} onSubmit={form.onSubmit}>
      <p>{t('cooperation.jit.space.purposeIntro')}</p>
      {form.error}
      <SelectField
        label={t('cooperation.jit.space.purpose')}
        hint={t('cooperation.jit.space.purposeHint')}
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
        {form.pending ? t('cooperation.jit.space.opening') : t('cooperation.jit.space.open')}
      </button>
    </form>
  );
}
