import { type ReactNode, useEffect, useId, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useTransferForm } from './transfers-errors.tsx';

interface StepFormProps {
  title: string;
  intro?: string;
  submit: string;
  pending: string;
  /** Reads the form and does it; throws a TransferProblem for a mistake, which the form shows in place. */
  onSubmit(data: FormData): Promise<void>;
  onCancel(): void;
  /** The control at fault for each of the node's errors. */
  fieldOf?: Parameters<typeof useTransferForm>[1];
  /** The form's controls, told which one is at fault. */
  children(errorFor: (name: string) => string | undefined): ReactNode;
}

/**
 * A decision that needs details (a purpose, a reason): its first control takes the focus when the form opens; Cancel
 * or Escape closes it; errors show in the form, beside the control.
 */
export function StepForm({ title, intro, submit, pending, onSubmit, onCancel, fieldOf, children }: StepFormProps) {
  const { t } = useTranslation();
  const ids = useId();
  const element = useRef<HTMLFormElement>(null);
  const form = useTransferForm((data) => onSubmit(data), fieldOf);

  useEffect(() => {
    element.current?.querySelector<HTMLElement>('input, textarea, select')?.focus();
  }, []);

  return (
    <form
      ref={element}
      className="form subsection"
      noValidate
      aria-labelledby={`${ids}-title`}
      onSubmit={form.onSubmit}
      onKeyDown={(event) => {
        if (event.key === 'Escape') onCancel();
      }}
    >
      <h3 id={`${ids}-title`}>{title}</h3>
      {intro && <p className="hint">{intro}</p>}
      {form.error}
      {children(form.errorFor)}
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
