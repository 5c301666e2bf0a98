import { AreaMessage, AreaProblem, area, problemIn, useAreaForm } from '../../../components/areaErrors.tsx';
import type { ErrorId } from '../../../components/ErrorMessage.tsx';

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

const AREA = area([...SERVER_ERRORS, ...FORM_ERRORS], (t, id) => t(`cooperation.jit.errors.${id}`));

/** A mistake a JIT form finds itself, with the name of the control to fix. */
export class JitProblem extends AreaProblem<Problem> {}

/** What to say about a failure: the JIT pages' own words for their errors, else the app's. */
export const problemOf = (error: unknown): Problem => problemIn(AREA, error);

/** An error announced as soon as it appears. */
export const ProblemMessage = ({ id, problem }: { id?: string; problem: Problem }) => (
  <AreaMessage area={AREA} id={id} problem={problem} />
);

/** The app's form hook for the JIT forms, with their errors in their own words. */
export const useJitForm = (
  submit: (data: FormData, form: HTMLFormElement) => Promise<void>,
  fieldOf: Partial<Record<Problem, string>> = {},
  onError?: (error: unknown) => void,
) => useAreaForm(AREA, submit, fieldOf, onError);
