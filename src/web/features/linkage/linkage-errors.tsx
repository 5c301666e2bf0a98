import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api.ts';
import { type ErrorId, errorIdOf } from '../../components/ErrorMessage.tsx';

/** The node's linkage errors that the pages explain in their own words (docs/api.md "Linkage across nodes"). */
const SERVER_ERRORS = [
  'linkage_legal_basis_required',
  'peer_unknown',
  'linkage_group_exists',
  'linkage_unit_no_secret',
  'linkage_not_owner',
  'linkage_secret_missing',
  'linkage_alert_decided',
] as const;

/** Mistakes the linkage forms catch before asking the node. */
const FORM_ERRORS = [
  'name_missing',
  'unit_missing',
  'owners_too_few',
  'unit_is_owner',
  'not_member',
  'schema_missing',
  'threshold_range',
  'legal_basis_short',
  'secret_missing',
  'secret_not_base64',
  'secret_short',
  'decision_missing',
  'reason_short',
] as const;

export type LinkageErrorId = (typeof SERVER_ERRORS)[number] | (typeof FORM_ERRORS)[number];
export type Problem = LinkageErrorId | ErrorId;

const isLinkageError = (id: string): id is LinkageErrorId =>
  SERVER_ERRORS.some((known) => known === id) || FORM_ERRORS.some((known) => known === id);

/** A mistake a linkage form finds itself, with the name of the control to fix. */
export class LinkageProblem extends Error {
  readonly problem: Problem;
  readonly field: string | undefined;
  constructor(problem: Problem, field?: string) {
    super(problem);
    this.problem = problem;
    this.field = field;
  }
}

/** What to say about a failure: the linkage pages' own words for the node's linkage errors, else the app's. */
export function problemOf(error: unknown): Problem {
  if (error instanceof LinkageProblem) return error.problem;
  if (error instanceof ApiError && isLinkageError(error.id)) return error.id;
  return errorIdOf(error);
}

/** An error announced as soon as it appears. */
export function ProblemMessage({ id, problem }: { id?: string; problem: Problem }) {
  const { t } = useTranslation();
  return (
    <p id={id} role="alert" className="alert">
      {isLinkageError(problem) ? t(`linkage.errors.${problem}`) : t(`errors.${problem}`)}
    </p>
  );
}

/**
 * As the app's useForm, for the linkage forms: one submission at a time, the error announced, and the control at
 * fault (named by a LinkageProblem or by `fieldOf` for a node's error) marked and focused.
 */
export function useLinkageForm(
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
      const field = error instanceof LinkageProblem ? error.field : fieldOf[problem];
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
