import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../../api.ts';
import { type ErrorId, errorIdOf } from '../../../components/ErrorMessage.tsx';
import { FormProblem } from '../../../components/useForm.tsx';

/** The node's transfer errors that the pages explain in their own words. */
const SERVER_ERRORS = [
  'transfer_decided',
  'transfer_unverified',
  'peer_suspended',
  'evidence_not_received',
  'permission_not_needed',
  'permission_decided',
] as const;

/** Mistakes the transfer forms catch before asking the node. */
const FORM_ERRORS = [
  'purpose_missing',
  'case_missing',
  'case_unknown',
  'permission_purpose_missing',
  'answer_missing',
  'reason_missing',
] as const;

export type TransferErrorId = (typeof SERVER_ERRORS)[number] | (typeof FORM_ERRORS)[number];
export type Problem = TransferErrorId | ErrorId;

const isTransferError = (id: string): id is TransferErrorId =>
  SERVER_ERRORS.some((known) => known === id) || FORM_ERRORS.some((known) => known === id);

/** A mistake a transfer form finds itself, with the name of the control to fix. */
export class TransferProblem extends Error {
  readonly problem: Problem;
  readonly field: string | undefined;
  constructor(problem: Problem, field?: string) {
    super(problem);
    this.problem = problem;
    this.field = field;
  }
}

/** What to say about a failure: the transfer pages' own words for the node's transfer errors, else the app's. */
export function problemOf(error: unknown): Problem {
  if (error instanceof TransferProblem) return error.problem;
  if (error instanceof FormProblem) return error.errorId;
  if (error instanceof ApiError && isTransferError(error.id)) return error.id;
  return errorIdOf(error);
}

/** An error announced as soon as it appears. */
export function ProblemMessage({ id, problem }: { id?: string; problem: Problem }) {
  const { t } = useTranslation();
  return (
    <p id={id} role="alert" className="alert">
      {isTransferError(problem) ? t(`cooperation.transfers.errors.${problem}`) : t(`errors.${problem}`)}
    </p>
  );
}

/**
 * As the app's useForm, for the transfer forms: one submission at a time, the error announced, and the control at
 * fault (named by a TransferProblem, a FormProblem or `fieldOf` for a node's error) marked and focused. `onError`
 * sees every failure first, for a form that shows more than the message (what a verification found).
 */
export function useTransferForm(
  submit: (data: FormData, form: HTMLFormElement) => Promise<void>,
  fieldOf: Partial<Record<Problem, string>> = {},
  onError?: (error: unknown) => void,
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
      onError?.(error);
      const problem = problemOf(error);
      const field =
        error instanceof TransferProblem ? error.field : error instanceof FormProblem ? error.field : fieldOf[problem];
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
