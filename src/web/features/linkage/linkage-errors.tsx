import { AreaMessage, AreaProblem, area, problemIn, useAreaForm } from '../../components/areaErrors.tsx';
import type { ErrorId } from '../../components/ErrorMessage.tsx';

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

const AREA = area([...SERVER_ERRORS, ...FORM_ERRORS], (t, id) => t(`linkage.errors.${id}`));

/** A mistake a linkage form finds itself, with the name of the control to fix. */
export class LinkageProblem extends AreaProblem<Problem> {}

/** What to say about a failure: the linkage pages' own words for their errors, else the app's. */
export const problemOf = (error: unknown): Problem => problemIn(AREA, error);

/** An error announced as soon as it appears. */
export const ProblemMessage = ({ id, problem }: { id?: string; problem: Problem }) => (
  <AreaMessage area={AREA} id={id} problem={problem} />
);

/** The app's form hook for the linkage forms, with their errors in their own words. */
export const useLinkageForm = (
  submit: (data: FormData, form: HTMLFormElement) => Promise<void>,
  fieldOf: Partial<Record<Problem, string>> = {},
  onError?: (error: unknown) => void,
) => useAreaForm(AREA, submit, fieldOf, onError);
