/**
 * The evidence API as the web app sees it, and the vocabulary of evidence (handling codes, grading, types, custody
 * events) shared with the server, so that the app offers exactly what the node accepts.
 */
import type { CustodyEvent, EvidenceItem } from '../../../modules/evidence/evidence.schema.ts';
import {
  CUSTODY_EVENTS,
  EVIDENCE_TYPES,
  HANDLING_CODES,
  type HandlingCode,
  INFORMATION_ACCURACY,
  SOURCE_RELIABILITY,
  TRANSFORMATIONS,
  type Transformation,
} from '../../../shared/evidence.ts';
import { RULES } from '../../../shared/policy.ts';
import { type Purpose, request, type UploadProgress, upload } from '../../api.ts';

export type { CustodyEvent, EvidenceItem, HandlingCode, Transformation };
export { CUSTODY_EVENTS, EVIDENCE_TYPES, HANDLING_CODES, INFORMATION_ACCURACY, SOURCE_RELIABILITY, TRANSFORMATIONS };

/** The purposes for which evidence content may be downloaded; the node records the one given with each download. */
export const DOWNLOAD_PURPOSES: readonly Purpose[] = RULES['evidence.download'].purposes;

/** What an upload reports while it runs: the bytes sent so far, then that the node has them all and is storing them. */
export interface UploadCallbacks {
  onProgress(progress: UploadProgress): void;
  onSent(): void;
}

const itemPath = (id: string, rest = '') => `/api/evidence/${encodeURIComponent(id)}${rest}`;
const casePath = (caseId: string, rest = '') => `/api/cases/${encodeURIComponent(caseId)}/evidence${rest}`;

export const evidenceApi = {
  list: async (caseId: string) => (await request<{ items: EvidenceItem[] }>('GET', casePath(caseId))).items,
  custody: async (id: string) => (await request<{ events: CustodyEvent[] }>('GET', itemPath(id, '/custody'))).events,
  /**
   * Adds an original. The node reads the fields before the file, so they go first; empty ones are left out, which
   * the node takes as "not known".
   */
  add: (caseId: string, fields: Record<string, string>, file: File, callbacks: UploadCallbacks) =>
    upload<EvidenceItem>(casePath(caseId), file, { ...callbacks, fields: filled(fields) }),
  /** Adds a working copy of `parentId`; fields left out are the original's. */
  derive: (parentId: string, fields: Record<string, string>, file: File, callbacks: UploadCallbacks) =>
    upload<EvidenceItem>(itemPath(parentId, '/copies'), file, { ...callbacks, fields: filled(fields) }),
  /** A plain link downloads the content with the session cookie; the node records the access and its purpose. */
  contentUrl: (id: string, purpose: Purpose) => itemPath(id, `/content?${new URLSearchParams({ purpose })}`),
  /** The case's evidence package: a BagIt bag in a zip, which a court can verify offline. */
  packageUrl: (caseId: string) => casePath(caseId, '/package'),
};

const filled = (fields: Record<string, string>) =>
  Object.fromEntries(Object.entries(fields).filter(([, value]) => value.trim() !== ''));

/** The first characters of a hash, enough to tell items apart on screen; the full value is always one step away. */
export const shortHash = (hash: string) => hash.slice(0, 12);
