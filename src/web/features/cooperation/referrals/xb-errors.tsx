import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../../api.ts';
import { type ErrorId, errorIdOf } from '../../../components/ErrorMessage.tsx';

/** The node's cross-border referral errors that the pages explain in their own words. */
const SERVER_ERRORS = [
  'consent_required',
  'fields_not_covered',
  'fields_invalid',
  'peer_unknown',
  'peer_suspended',
  'peer_encryption_key_missing',
  'referral_exists',
  'referral_closed',
  'referral_not_offered',
  'referral_fields_invalid',
  'identity_erased',
] as const;

/** Mistakes the referral forms catch before asking the node. */
const FORM_ERRORS = [
  'node_missing',
  'kind_missing',
  'purpose_missing',
  'fields_missing',
  'agency_missing',
  'note_missing',
] as const;

export type ReferralErrorId = (typeof SERVER_ERRORS)[number] | (typeof FORM_ERRORS)[number];
export type Problem = ReferralErrorId | ErrorId;

const isReferralError = (id: string): id is ReferralErrorId =>
  SERVER_ERRORS.some((known) => known === id) || FORM_ERRORS.some((known) => known === id);

/** A mistake a referral form finds itself, with the name of the control to fix. */
export class ReferralProblem extends Error {
  readonly problem: ReferralErrorId;
  readonly field: string;
  constructor(problem: ReferralErrorId, field: string) {
    super(problem);
    this.problem = problem;
    this.field = field;
  }
}

/** What to say about a failure: the referral pages' own words for the node's referral errors, else the app's. */
export function problemOf(error: unknown): Problem {
  if (error instanceof ReferralProblem) return error.problem;
  if (error instanceof ApiError && isReferralError(error.id)) return error.id;
  return errorIdOf(error);
}

/** An error announced as soon as it appears. */
export function ProblemMessage({ id, problem }: { id?: string; problem: Problem }) {
  const { t } = useTranslation();
  return (
    <p id={id} role="alert" className="alert">
      {isReferralError(problem) ? t(`cooperation.referrals.errors.${problem}`) : t(`errors.${problem}`)}
    </p>
  );
}

/**
 * As the app's useForm, for the referral forms: one submission at a time, the error announced, and the control at
 * fault (named by a ReferralProblem, or by `fieldOf` for a node's error) marked and focused. `onError` sees every
 * failure first, for a form that shows more than the message (the fields a consent does not cover).
 */
export function useReferralForm(
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
      const field = error instanceof ReferralProblem ? error.field : fieldOf[problem];
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
