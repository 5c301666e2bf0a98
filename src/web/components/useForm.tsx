import { type FormEvent, useId, useState } from 'react';
import { type ErrorId, ErrorMessage, errorIdOf } from './ErrorMessage.tsx';

/** A mistake found before asking the server, with the name of the field to fix. */
export class FormProblem extends Error {
  readonly errorId: ErrorId;
  readonly field: string;
  constructor(errorId: ErrorId, field: string) {
    super(errorId);
    this.errorId = errorId;
    this.field = field;
  }
}

/** The trimmed text of a form field. */
export const fieldText = (data: FormData, name: string) => String(data.get(name) ?? '').trim();

/**
 * Submits a form once at a time and reports what went wrong: `submit` throws a FormProblem for a mistake it finds
 * itself; a server error names a field through `fieldOf` (e.g. `user_exists` → the email). The field at fault takes
 * the focus, and the message is announced.
 */
export function useForm(
  submit: (data: FormData, form: HTMLFormElement) => Promise<void>,
  fieldOf: Partial<Record<ErrorId, string>> = {},
) {
  const ids = useId();
  const [pending, setPending] = useState(false);
  const [problem, setProblem] = useState<{ errorId: ErrorId; field?: string } | null>(null);

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (pending) return;
    const form = event.currentTarget;
    setPending(true);
    setProblem(null);
    try {
      await submit(new FormData(form), form);
    } catch (failure) {
      const errorId = failure instanceof FormProblem ? failure.errorId : errorIdOf(failure);
      const field = failure instanceof FormProblem ? failure.field : fieldOf[errorId];
      setProblem({ errorId, field });
      const target = field ? form.elements.namedItem(field) : null;
      const control = target instanceof RadioNodeList ? target[0] : target;
      if (control instanceof HTMLElement) control.focus();
    } finally {
      setPending(false);
    }
  };

  const errorId = `${ids}-error`;
  return {
    onSubmit,
    pending,
    error: problem && <ErrorMessage id={errorId} errorId={problem.errorId} />,
    /** For the field named `name`: the error's id when that field is the one to fix. */
    errorFor: (name: string) => (problem?.field === name ? errorId : undefined),
  };
}
