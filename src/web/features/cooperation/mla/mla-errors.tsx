import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../../api.ts';
import { type ErrorId, errorIdOf } from '../../../components/ErrorMessage.tsx';
import { FormProblem } from '../../../components/useForm.tsx';

/** The node's MLA errors that the pages explain in their own words. */
const SERVER_ERRORS = [
  'peer_unknown',
  'peer_suspended',
  'mla_wrong_state',
  'mla_already_extended',
  'transfers_unavailable',
] as const;

/** Mistakes the MLA forms catch before asking the node. */
const FORM_ERRORS = [
  'node_missing',
  'node_format',
  'authority_missing',
  'measures_missing',
  'person_missing',
  'classification_missing',
  'facts_missing',
  'deadline_past',
  'case_unknown',
  'days_range',
  'date_missing',
  'date_not_later',
  'items_missing',
  'persons_purpose_missing',
] as const;

export type MlaErrorId = (typeof SERVER_ERRORS)[number] | (typeof FORM_ERRORS)[number];
export type Problem = MlaErrorId | ErrorId;

const isMlaError = (id: string): id is MlaErrorId =>
  SERVER_ERRORS.some((known) => known === id) || FORM_ERRORS.some((known) => known === id);

/** A mistake an MLA form finds itself, with the name of the control to fix. */
export class MlaProblem extends Error {
  readonly problem: Problem;
  readonly field: string | undefined;
  constructor(problem: Problem, field?: string) {
    super(problem);
    this.problem = problem;
    this.field = field;
  }
}

/** What to say about a failure: the MLA pages' own words for the node's MLA errors, else the app's. */
export function problemOf(error: unknown): Problem {
  if (error instanceof MlaProblem) return error.problem;
  if (error instanceof FormProblem) return error.errorId;
  if (error instanceof ApiError && isMlaError(error.id)) return error.id;
  return errorIdOf(error);
}

/** An error announced as soon as it appears. */
export function ProblemMessage({ id, problem }: { id?: string; problem: Problem }) {
  const { t } = useTranslation();
  return (
    <p id={id} role="alert" className="alert">
      {isMlaError(problem) ? t(`cooperation.mla.errors.${problem}`) : t(`errors.${problem}`)}
    </p>
  );
}

/**
 * As the app's useForm, for the MLA forms: one submission at a time, the error announced, and the control at fault
 * (named by an MlaProblem, a FormProblem or `fieldOf` for a node's error) marked and focused.
 */
export function useMlaForm(
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
      const field =
        error instanceof MlaProblem ? error.field : error instanceof FormProblem ? error.field : fieldOf[problem];
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
