import { useTranslation } from 'react-i18next';
import { ApiError, ROLES, type RoleId } from '../api.ts';

const SERVER_ERRORS = [
  'invalid_credentials',
  'invalid_second_factor',
  'account_locked',
  'rate_limited',
  'session_expired',
  'not_signed_in',
  'csrf_invalid',
  'invalid_request',
  'invalid_characters',
  'forbidden',
  'purpose_required',
  'not_found',
  'user_exists',
  'agency_exists',
  'cannot_disable_self',
  'last_admin',
  'stale_case',
  'empty_first_report',
  'transition_not_allowed',
  'closure_pending',
  'no_closure_request',
  'same_person',
  'identity_erased',
  'safety_plan_required',
  'risk_assessment_invalid',
  'service_transition_not_allowed',
  'consent_required',
  'consent_purpose_not_covered',
  'consent_purposes_required',
  'referral_exists',
  'referral_to_own_agency',
  'referral_not_offered',
  'referral_closed',
  'unknown_agency',
  'file_too_large',
  'file_missing',
  'malformed_upload',
  'unsupported_media_type',
  'sheet_not_spreadsheet',
  'sheet_no_header',
  'sheet_duplicate_column',
  'sheet_bad_value',
  // Also a form's own check (FormErrorId); the cross-border offer answers with it too.
  'fields_invalid',
  'copy_unchanged',
  'custody_index_out_of_range',
  'custody_range_invalid',
  'custody_size_beyond_log',
  'custody_size_invalid',
  'custody_sizes_out_of_order',
  'evidence_content_missing',
  'evidence_none',
  'evidence_not_received',
  'evidence_too_large',
  'fields_not_covered',
  'handling_no_forwarding',
  'handling_permission_required',
  'hash_mismatch',
  'import_no_rows',
  'import_overtaken',
  'import_rejected',
  'jit_ended',
  'jit_member_exists',
  'jit_party_unknown',
  'jit_task_done',
  'linkage_alert_decided',
  'linkage_group_exists',
  'linkage_legal_basis_required',
  'linkage_not_owner',
  'linkage_secret_missing',
  'linkage_unit_no_secret',
  'mla_wrong_state',
  'not_assignable',
  'not_in_agency',
  'not_receiver',
  'not_sender',
  'oidc_failed',
  'oidc_unavailable',
  'oidc_unknown_user',
  'peer_document_invalid',
  'peer_encryption_key_missing',
  'peer_exists',
  'peer_fingerprint_invalid',
  'peer_fingerprint_mismatch',
  'peer_is_self',
  'peer_suspended',
  'peer_unknown',
  'peer_unreachable',
  'permission_decided',
  'permission_not_needed',
  'photo_limit_reached',
  'photo_too_large',
  'photo_type_not_allowed',
  'photos_not_shared',
  'referral_fields_invalid',
  'referral_unreadable',
  'second_factor_not_expected',
  'second_factor_required',
  'team_exists',
  'too_many_filters',
  'transfer_decided',
  'transfer_too_large',
  'transfer_unverified',
  'transfers_unavailable',
  'upload_interrupted',
  'network',
] as const;

/** Mistakes the web app catches before asking the server. */
type FormErrorId =
  | 'missing_credentials'
  | 'code_format'
  | 'missing_fields'
  | 'country_format'
  | 'password_short'
  | 'purpose_missing'
  | 'identity_purpose_missing'
  | 'fields_invalid'
  | 'search_empty'
  | 'reason_missing'
  | 'legal_basis_short'
  | 'countries_format'
  | 'risk_unanswered'
  | 'safety_plan_missing'
  | 'language_missing';

export type ErrorId = (typeof SERVER_ERRORS)[number] | FormErrorId | 'unexpected';

/** The message to show for a failure: the server's stable id when we have words for it, else a general one. */
export function errorIdOf(error: unknown): ErrorId {
  const id = error instanceof ApiError ? error.id : null;
  return SERVER_ERRORS.find((known) => known === id) ?? 'unexpected';
}

/** The roles a refusal (`forbidden`) says could do what was refused; null for any other failure. */
export function neededRolesOf(error: unknown): RoleId[] | null {
  if (!(error instanceof ApiError) || error.id !== 'forbidden') return null;
  const roles = (error.details as { roles?: unknown } | null | undefined)?.roles;
  return Array.isArray(roles) ? ROLES.filter((role) => roles.includes(role)) : [];
}

/**
 * An error that screen readers announce as soon as it appears. A refusal names the roles that could do it (`roles`,
 * from the server's answer or the policy's rules), so that the user knows whom to ask: trying again would not help.
 */
export function ErrorMessage({
  id,
  errorId,
  roles,
}: {
  id?: string;
  errorId: ErrorId;
  roles?: readonly RoleId[] | null;
}) {
  const { t } = useTranslation();
  const named = errorId === 'forbidden' && roles && roles.length > 0;
  return (
    <p id={id} role="alert" className="alert">
      {t(`errors.${errorId}`)}
      {named &&
        ` ${t('errors.neededRoles', { roles: roles.map((role) => t(`roles.${role}`)).join(', '), count: roles.length })}`}
    </p>
  );
}
