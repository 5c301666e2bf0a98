import { AreaMessage, AreaProblem, area, problemIn, useAreaForm } from '../../../components/areaErrors.tsx';
import type { ErrorId } from '../../../components/ErrorMessage.tsx';

/** The node's cross-border referral errors that the pages explain in their own words. */
const SERVER_ERRORS = [
  'consent_required',
  'consent_purpose_not_covered',
  'handling_no_forwarding',
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

const AREA = area([...SERVER_ERRORS, ...FORM_ERRORS], (t, id) => t(`cooperation.referrals.errors.${id}`));

/** A mistake a referral form finds itself, with the name of the control to fix. */
export class ReferralProblem extends AreaProblem<Problem> {}

/** What to say about a failure: the referral pages' own words for their errors, else the app's. */
export const problemOf = (error: unknown): Problem => problemIn(AREA, error);

/** An error announced as soon as it appears. */
export const ProblemMessage = ({ id, problem }: { id?: string; problem: Problem }) => (
  <AreaMessage area={AREA} id={id} problem={problem} />
);

/** The app's form hook for the referral forms, with their errors in their own words. */
export const useReferralForm = (
  submit: (data: FormData, form: HTMLFormElement) => Promise<void>,
  fieldOf: Partial<Record<Problem, string>> = {},
  onError?: (error: unknown) => void,
) => useAreaForm(AREA, submit, fieldOf, onError);
