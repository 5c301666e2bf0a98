/** The metadata of an evidence item as it arrives (multipart fields, CLI options) and once every field checks out. */
import { invalid } from '../../lib/errors.ts';
import {
  DESCRIPTION_MAX,
  EVIDENCE_TYPES,
  type EvidenceType,
  HANDLING_CODES,
  type HandlingCode,
  INFORMATION_ACCURACY,
  type InformationAccuracy,
  SOURCE_RELIABILITY,
  type SourceReliability,
  TEXT_MAX,
  TITLE_MAX,
  TRANSFORMATIONS,
  type Transformation,
} from '../../shared/evidence.ts';

const FILE_NAME_MAX_BYTES = 255;

/** Fields an upload may carry, in the order a client should send them (all before the file). */
export const METADATA_FIELDS = [
  'title',
  'description',
  'collectedAt',
  'collectedBy',
  'collectedWhere',
  'source',
  'device',
  'type',
  'handlingCode',
  'handlingNote',
  'sourceReliability',
  'informationAccuracy',
  'fileName',
  'mediaType',
  'sha256',
] as const;
export const COPY_FIELDS = [...METADATA_FIELDS, 'transformation'] as const;

export type EvidenceFields = Partial<Record<(typeof COPY_FIELDS)[number], string | number | null>>;

export interface FieldError {
  field: string;
  reason: string;
}

export interface EvidenceMetadata {
  title: string;
  description: string | null;
  collectedAt: string | null;
  collectedBy: string | null;
  collectedWhere: string | null;
  source: string | null;
  device: string | null;
  type: EvidenceType | null;
  handlingCode: HandlingCode;
  handlingNote: string | null;
  sourceReliability: SourceReliability | null;
  informationAccuracy: InformationAccuracy | null;
  fileName: string;
  mediaType: string;
}

/** What an upload said; for a working copy, unset fields are taken from the original. */
export type ParsedFields = Partial<EvidenceMetadata> & {
  claimedSha256: string | null;
  transformation: Transformation | null;
};

const CLOCK_SKEW_MS = 5 * 60 * 1000;
const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/;

/**
 * Checks every field at once. `copy`: a working copy, which needs a transformation and may leave out what it
 * shares with its original.
 */
export function parseEvidenceFields(
  input: EvidenceFields & Record<string, unknown>,
  mode: 'original' | 'copy',
): { ok: true; value: ParsedFields } | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const allowed: readonly string[] = mode === 'copy' ? COPY_FIELDS : METADATA_FIELDS;
  for (const name of Object.keys(input)) {
    if (!allowed.includes(name)) errors.push({ field: name, reason: 'is not a field of an evidence item' });
  }
  const text = (field: string, max: number): string | undefined => {
    const raw = input[field];
    if (raw === undefined || raw === null) return undefined;
    if (typeof raw !== 'string') {
      errors.push({ field, reason: 'must be text' });
      return undefined;
    }
    const value = raw.trim();
    if (value.length > max) errors.push({ field, reason: `is longer than ${max} characters` });
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
    else if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(value)) {
      errors.push({ field, reason: 'holds control characters' });
    }
    return value === '' ? undefined : value;
  };
  const choice = <T extends string>(field: string, values: readonly T[], upper = false): T | undefined => {
    const value = text(field, 40);
    if (value === undefined) return undefined;
    const normalised = upper ? value.toUpperCase() : value;
    if ((values as readonly string[]).includes(normalised)) return normalised as T;
    errors.push({ field, reason: `must be one of ${values.join(', ')}` });
    return undefined;
  };

  const title = text('title', TITLE_MAX);
  const handlingCode = choice('handlingCode', HANDLING_CODES, true);
  const handlingNote = text('handlingNote', TEXT_MAX);
  if (mode === 'original') {
    if (!title) errors.push({ field: 'title', reason: 'is required' });
    if (!handlingCode) pushOnce(errors, 'handlingCode', `is required: one of ${HANDLING_CODES.join(', ')}`);
  }
  if (handlingCode === 'H3' && !handlingNote) {
    errors.push({ field: 'handlingNote', reason: 'H3 needs the restrictions written out' });
  }
  const transformation = mode === 'copy' ? choice('transformation', TRANSFORMATIONS) : undefined;
  if (mode === 'copy' && !transformation) {
    pushOnce(errors, 'transformation', `is required: one of ${TRANSFORMATIONS.join(', ')}`);
  }
  const fileName = fileNameOf(text('fileName', 1000), errors);
  if (fileName === undefined) pushOnce(errors, 'fileName', 'is required: the name of the file');
  const mediaType = mediaTypeOf(text('mediaType', 255), errors) ?? 'application/octet-stream';
  const claimed = text('sha256', 64)?.toLowerCase();
  if (claimed !== undefined && !/^[0-9a-f]{64}$/.test(claimed)) {
    errors.push({ field: 'sha256', reason: 'must be a SHA-256 hash in hex (64 digits)' });
  }
  const value: ParsedFields = {
    title,
    description: text('description', DESCRIPTION_MAX),
    collectedAt: collectedAtOf(input.collectedAt, errors),
    collectedBy: text('collectedBy', TEXT_MAX),
    collectedWhere: text('collectedWhere', TEXT_MAX),
    source: text('source', TEXT_MAX),
    device: text('device', TEXT_MAX),
    type: choice('type', EVIDENCE_TYPES),
    handlingCode,
    handlingNote,
    sourceReliability: choice('sourceReliability', SOURCE_RELIABILITY, true),
    informationAccuracy: accuracyOf(input.informationAccuracy, errors),
    fileName,
    mediaType,
    claimedSha256: claimed ?? null,
    transformation: transformation ?? null,
  };
  if (errors.length > 0) return { ok: false, errors };
  // Unset optional fields stay undefined so that a working copy can tell them from fields set to nothing.
  return { ok: true, value: Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as never };
}

function pushOnce(errors: FieldError[], field: string, reason: string): void {
  if (!errors.some((e) => e.field === field)) errors.push({ field, reason });
}

function collectedAtOf(raw: unknown, errors: FieldError[]): string | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  const value = String(raw).trim();
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const dateTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.test(value);
  const time = Date.parse(dateOnly ? `${value}T00:00:00Z` : value);
  // Date.parse rolls 30 February over into March; the calendar day must exist as written.
  const day = value.slice(0, 10);
  const realDay =
    !Number.isNaN(Date.parse(`${day}T00:00:00Z`)) && new Date(`${day}T00:00:00Z`).toISOString().startsWith(day);
  if ((!dateOnly && !dateTime) || Number.isNaN(time) || !realDay) {
    errors.push({ field: 'collectedAt', reason: 'must be a date (YYYY-MM-DD) or a date and time with a time zone' });
    return undefined;
  }
  if (time > Date.now() + CLOCK_SKEW_MS) {
    errors.push({ field: 'collectedAt', reason: 'cannot be in the future' });
    return undefined;
  }
  return new Date(time).toISOString();
}

function accuracyOf(raw: unknown, errors: FieldError[]): InformationAccuracy | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  const value = typeof raw === 'number' ? raw : /^\s*[1-4]\s*$/.test(String(raw)) ? Number(raw) : Number.NaN;
  if ((INFORMATION_ACCURACY as readonly number[]).includes(value)) return value as InformationAccuracy;
  errors.push({ field: 'informationAccuracy', reason: 'must be 1, 2, 3 or 4' });
  return undefined;
}

/**
 * The last segment of what the client called the file: it becomes a path inside evidence bags, so it must be a plain
 * name (no folders, no control characters, not `.` or `..`).
 */
export function fileNameOf(raw: string | undefined, errors: FieldError[]): string | undefined {
  if (raw === undefined) return undefined;
  const name = raw.split(/[/\\]/).pop()?.trim() ?? '';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (name === '' || name === '.' || name === '..' || /[\u0000-\u001f\u007f]/.test(name)) {
    errors.push({ field: 'fileName', reason: 'must be a plain file name' });
    return undefined;
  }
  if (Buffer.byteLength(name) > FILE_NAME_MAX_BYTES) {
    errors.push({ field: 'fileName', reason: `is longer than ${FILE_NAME_MAX_BYTES} bytes` });
    return undefined;
  }
  return name.normalize('NFC');
}

function mediaTypeOf(raw: string | undefined, errors: FieldError[]): string | undefined {
  if (raw === undefined) return undefined;
  const value = raw.split(';')[0]?.trim().toLowerCase() ?? '';
  if (!MEDIA_TYPE.test(value)) {
    errors.push({ field: 'mediaType', reason: 'must be a media type such as application/pdf' });
    return undefined;
  }
  return value;
}

export function fieldErrors(errors: FieldError[]) {
  return invalid(`Some fields are not valid: ${errors.map((e) => e.field).join(', ')}.`, { errors });
}

const MEDIA_TYPES: Record<string, string> = {
  pdf: 'application/pdf',
  txt: 'text/plain',
  csv: 'text/csv',
  json: 'application/json',
  xml: 'application/xml',
  html: 'text/html',
  htm: 'text/html',
  eml: 'message/rfc822',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xls: 'application/vnd.ms-excel',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  odt: 'application/vnd.oasis.opendocument.text',
  ods: 'application/vnd.oasis.opendocument.spreadsheet',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
  heic: 'image/heic',
  tif: 'image/tiff',
  tiff: 'image/tiff',
  mp4: 'video/mp4',
  mov: 'video/quicktime',
  avi: 'video/x-msvideo',
  mkv: 'video/x-matroska',
  webm: 'video/webm',
  mp3: 'audio/mpeg',
  m4a: 'audio/mp4',
  wav: 'audio/wav',
  ogg: 'audio/ogg',
  opus: 'audio/opus',
  zip: 'application/zip',
  '7z': 'application/x-7z-compressed',
  tar: 'application/x-tar',
  gz: 'application/gzip',
};

/** A media type for a file from disk, by its extension; unknown kinds are plain bytes. */
export function mediaTypeForName(name: string): string {
  const extension = name.includes('.') ? name.split('.').pop()?.toLowerCase() : undefined;
  return (extension && MEDIA_TYPES[extension]) || 'application/octet-stream';
}
