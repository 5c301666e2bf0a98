import { AreaMessage, AreaProblem, area, problemIn, useAreaForm } from '../../../components/areaErrors.tsx';
import type { ErrorId } from '../../../components/ErrorMessage.tsx';

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

const AREA = area([...SERVER_ERRORS, ...FORM_ERRORS], (t, id) => t(`cooperation.mla.errors.${id}`));

/** A mistake a MLA form finds itself, with the name of the control to fix. */
export class MlaProblem extends AreaProblem<Problem> {}

/** What to say about a failure: the MLA pages' own words for their errors, else the app's. */
export const problemOf = (error: unknown): Problem => problemIn(AREA, error);

/** An error announced as soon as it appears. */
export const ProblemMessage = ({ id, problem }: { id?: string; problem: Problem }) => (
  <AreaMessage area={AREA} id={id} problem={problem} />
);

/** The app's form hook for the MLA forms, with their errors in their own words. */
export const useMlaForm = (
  submit: (data: FormData, form: HTMLFormElement) => Promise<void>,
  fieldOf: Partial<Record<Problem, string>> = {},
  onError?: (error: unknown) => void,
) => useAreaForm(AREA, submit, fieldOf, onError);
