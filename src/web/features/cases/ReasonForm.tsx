import { useEffect, useId, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { TextAreaField } from '../../components/Field.tsx';
import { FormProblem, fieldText, useForm } from '../../components/useForm.tsx';

interface ReasonFormProps {
  title: string;
  label: string;
  hint?: string;
  submit: string;
  pending: string;
  /** The shortest reason the node accepts. */
  minLength?: number;
  onSubmit(reason: string): Promise<void>;
  onCancel(): void;
}

/**
 * Asks why, before a change that the case keeps a record of (a stage change, a rejected closure, a withdrawn
 * consent). The reason field takes the focus when the form opens; Cancel or Escape closes it.
 */
export function ReasonForm({
  title,
  label,
  hint,
  submit,
  pending,
  minLength = 1,
  onSubmit,
  onCancel,
}: ReasonFormProps) {
  const { t } = useTranslation();
  const ids = useId();
  const formElement = useRef<HTMLFormElement>(null);
  const form = useForm(async (data) => {
    const reason = fieldText(data, 'reason');
    if (reason.length < minLength)
      throw new FormProblem(minLength > 1 ? 'legal_basis_short' : 'reason_missing', 'reason');
    await onSubmit(reason);
  });

  useEffect(() => {
    formElement.current?.querySelector('textarea')?.focus();
  }, []);

  return (
    <form
      ref={formElement}
      className="form subsection"
      noValidate
      aria-labelledby={`${ids}-title`}
      onSubmit={form.onSubmit}
      onKeyDown={(event) => {
        if (event.key === 'Escape') onCancel();
      }}
    >
      <h3 id={`${ids}-title`}>{title}</h3>
      {form.error}
      <TextAreaField
        label={label}
        hint={hint}
        name="reason"
        required
        maxLength={2000}
        errorId={form.errorFor('reason')}
      />
      <div className="actions">
        <button type="submit" className="button" aria-disabled={form.pending}>
          {form.pending ? pending : submit}
        </button>
        <button type="button" className="button secondary" onClick={onCancel}>
          {t('app.cancel')}
        </button>
      </div>
    </form>
  );
}
