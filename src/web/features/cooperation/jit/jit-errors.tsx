import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../../api.ts';
import { type ErrorId, errorIdOf } from '../../../components/ErrorMessage.tsx';

/** The node's JIT errors that the pages explain in their own words. */
const SERVER_ERRORS = [
  'peer_unknown',
  'peer_suspended',
  'jit_party_unknown',
  'jit_member_exists',
  'jit_task_done',
  'jit_ended',
  'transfers_unavailable',
] as const;

/** Mistakes the JIT forms catch before asking the node. */
const FORM_ERRORS = [
  'name_missing',
  'terms_missing',
  'parties_missing',
  'party_format',
  'party_self',
  'dates_missing',
  'dates_order',
  'end_past',
  'own_agency_missing',
  'agency_missing',
  'text_missing',
  'title_missing',
  'case_unknown',
  'items_missing',
  'recipient_missing',
  'read_purpose_missing',
] as const;

export type JitErrorId = (typeof SERVER_ERRORS)[number] | (typeof FORM_ERRORS)[number];
export type Problem = JitErrorId | ErrorId;

const isJitError = (id: string): id is JitErrorId =>
  SERVER_ERRORS.some((known) => known === id) || FORM_ERRORS.some((known) => known === id);

/** A mistake a JIT form finds itself, with the name of the control to fix. */
export class JitProblem extends Error {
  readonly problem: Problem;
  readonly field: string | undefined;
  constructor(problem: Problem, field?: string) {
    super(problem);
    this.problem = problem;
    this.field = field;
  }
}

/** What to say about a failure: the JIT pages' own words for the node's JIT errors, else the app's. */
export function problemOf(error: unknown): Problem {
  if (error instanceof JitProblem) return error.problem;
  if (error instanceof ApiError && isJitError(error.id)) return error.id;
  return errorIdOf(error);
}

/** An error announced as soon as it appears. */
export function ProblemMessage({ id, problem }: { id?: string; problem: Problem }) {
  const { t } = useTranslation();
  return (
    <p id={id} role="alert" className="alert">
      {isJitError(problem) ? t(`cooperation.jit.errors.${problem}`) : t(`errors.${problem}`)}
    </p>
  );
}

/**
 * As the app's useForm, for the JIT forms: one submission at a time, the error announced in the form, and the control
 * at fault (named by a JitProblem, or by `fieldOf` for a node's error) marked and focused.
 */
export function useJitForm(
  submit: (data: FormData, form: HTMLFormElement) => Promise<void>,
  fieldOf: Partial<Record<Problem, string>> = {},
) {
  const ids = useId();
  const [pending, setPending] = useState(false);
  const [failure, setFailure] = useState<{ problem: Problem; field?: string } | null>(null);

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (pending) return;
    const form = event.currentTarget;
    setPending(true);
    setFailure(null);
    try {
      await submit(new FormData(form), form);
    } catch (error) {
      const problem = problemOf(error);
      const field = error instanceof JitProblem ? error.field : fieldOf[problem];
      setFailure({ problem, field });
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
    error: failure && <ProblemMessage id={errorId} problem={failure.problem} />,
    errorFor: (name: string) => (failure?.field === name ? errorId : undefined),
  };
}
