import { AreaMessage, AreaProblem, area, problemIn, useAreaForm } from '../../../components/areaErrors.tsx';
import type { ErrorId } from '../../../components/ErrorMessage.tsx';

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

const AREA = area([...SERVER_ERRORS, ...FORM_ERRORS], (t, id) => t(`cooperation.transfers.errors.${id}`));

/** A mistake a transfer form finds itself, with the name of the control to fix. */
export class TransferProblem extends AreaProblem<Problem> {}

/** What to say about a failure: the transfer pages' own words for their errors, else the app's. */
export const problemOf = (error: unknown): Problem => problemIn(AREA, error);

/** An error announced as soon as it appears. */
export const ProblemMessage = ({ id, problem }: { id?: string; problem: Problem }) => (
  <AreaMessage area={AREA} id={id} problem={problem} />
);

/** The app's form hook for the transfer forms, with their errors in their own words. */
export const useTransferForm = (
  submit: (data: FormData, form: HTMLFormElement) => Promise<void>,
  fieldOf: Partial<Record<Problem, string>> = {},
  onError?: (error: unknown) => void,
) => useAreaForm(AREA, submit, fieldOf, onError);
