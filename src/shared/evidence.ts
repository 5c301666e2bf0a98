/**
 * The vocabulary of evidence that the node checks and the web app and CLI offer: SIENA handling codes and grading,
 * kinds of evidence, how a working copy was made, the lengths of the free-text fields, and the custody events.
 */

/** SIENA handling codes: H0 purpose-restricted, H1 not for court without the provider's permission, H2 no onward sharing, H3 other restrictions. */
export const HANDLING_CODES = ['H0', 'H1', 'H2', 'H3'] as const;
export type HandlingCode = (typeof HANDLING_CODES)[number];
/** SIENA source reliability: A reliable, B mostly reliable, C not reliable, X cannot be assessed. */
export const SOURCE_RELIABILITY = ['A', 'B', 'C', 'X'] as const;
export type SourceReliability = (typeof SOURCE_RELIABILITY)[number];
/** SIENA information accuracy: 1 known to be true without reservation … 4 cannot be assessed. */
export const INFORMATION_ACCURACY = [1, 2, 3, 4] as const;
export type InformationAccuracy = (typeof INFORMATION_ACCURACY)[number];
export const EVIDENCE_TYPES = [
  'document',
  'photo',
  'video',
  'audio',
  'message',
  'financial_record',
  'device_extraction',
  'other',
] as const;
export type EvidenceType = (typeof EVIDENCE_TYPES)[number];
export const TRANSFORMATIONS = ['redaction', 'transcript', 'translation'] as const;
export type Transformation = (typeof TRANSFORMATIONS)[number];

export const TITLE_MAX = 300;
export const DESCRIPTION_MAX = 20000;
export const TEXT_MAX = 1000;

/** What can happen to an item in its chain of custody; each is an entry of the node's custody log. */
export const CUSTODY_EVENTS = [
  'collected',
  'received',
  'accessed',
  'copied',
  'derived',
  'exported',
  'transferred',
  'returned',
  'disposed',
] as const;
export type CustodyEventType = (typeof CUSTODY_EVENTS)[number];

/** The uses of an item received from another node that its handling code may reserve to the provider's leave. */
export const PERMISSION_PURPOSES = ['court', 'forwarding'] as const;
export type PermissionPurpose = (typeof PERMISSION_PURPOSES)[number];

/**
 * Whether the provider's leave is needed to use an item of handling code `code` for `purpose`: H2 (no dissemination)
 * neither goes into an evidence package for court nor is sent on; H1 (no judicial use) does not go to court.
 */
export const needsPermission = (code: string, purpose: PermissionPurpose) =>
  code === 'H2' || (code === 'H1' && purpose === 'court');
