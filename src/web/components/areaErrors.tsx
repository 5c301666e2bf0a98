import type { TFunction } from 'i18next';
import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api.ts';
import { type ErrorId, errorIdOf } from './ErrorMessage.tsx';
import { FormProblem } from './useForm.tsx';

/**
 * The errors of one area of the app (MLA requests, joint teams, referrals, transfers, linkage) that its pages explain
 * in their own words: those of the node and those its forms find themselves. Any other failure is told in the app's
 * words (`errors.<id>`).
 */
export interface Area<Id extends string> {
  isKnown(id: string): id is Id;
  wordsFor(t: TFunction, id: Id): string;
}

export function area<Id extends string>(known: readonly Id[], wordsFor: Area<Id>['wordsFor']): Area<Id> {
  return { isKnown: (id: string): id is Id => known.some((one) => one === id), wordsFor };
}

/** A mistake a form finds itself, with the name of the control to fix; each area names its own subclass. */
export class AreaProblem<P extends string> extends Error {
  readonly problem: P;
  readonly field: string | undefined;
  constructor(problem: P, field?: string) {
    super(problem);
    this.problem = problem;
    this.field = field;
  }
}

/** What to say about a failure: the area's own words for its errors, else the app's. */
export function problemIn<Id extends string>(area: Area<Id>, error: unknown): NoInfer<Id> | ErrorId {
  if (error instanceof AreaProblem) return error.problem as Id | ErrorId;
  if (error instanceof FormProblem) return error.errorId;
  if (error instanceof ApiError && area.isKnown(error.id)) return error.id;
  return errorIdOf(error);
}

/** An error announced as soon as it appears. */
export function AreaMessage<Id extends string>({
  area,
  id,
  problem,
}: {
  area: Area<Id>;
  id?: string;
  problem: NoInfer<Id> | ErrorId;
}) {
  const { t } = useTranslation();
  return (
    <p id={id} role="alert" className="alert">
      {area.isKnown(problem) ? area.wordsFor(t, problem) : t(`errors.${problem as ErrorId}`)}
    </p>
  );
}

/**
 * As the app's useForm, for an area's forms: one submission at a time, the error announced, and the control at fault
 * (named by an AreaProblem, a FormProblem, or `fieldOf` for a node's error) marked and focused. `onError` sees every
 * failure first, for a form that shows more than the message.
 */
export function useAreaForm<Id extends string>(
  area: Area<Id>,
  submit: (data: FormData, form: HTMLFormElement) => Promise<void>,
  fieldOf: Partial<Record<NoInfer<Id> | ErrorId, string>> = {},
  onError?: (error: unknown) => void,
) {
  const ids = useId();
  const [pending, setPending] = useState(false);
  const [failure, setFailure] = useState<{ problem: Id | ErrorId; field?: string } | null>(null);

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
      const problem = problemIn(area, error);
      const field = error instanceof AreaProblem || error instanceof FormProblem ? error.field : fieldOf[problem];
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
    error: failure && <AreaMessage area={area} id={errorId} problem={failure.problem} />,
    errorFor: (name: string) => (failure?.field === name ? errorId : undefined),
  };
}
