import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { responses } from '../../app/schemas.ts';
import type { Services } from '../../app/services.ts';
import { AppError } from '../../lib/errors.ts';
import { invalidCharacters, isCleanText } from '../../lib/text-hygiene.ts';
import { ExportQuery, ImportQuery, ImportResult, ImportUpload, RejectedQuery } from './htcds.schema.ts';
import { readCaseSheet } from './htcds-files.ts';
import { rejectedRowsSheet } from './htcds-rejected.ts';
import { writeCaseSheet } from './htcds-sheet-writer.ts';

/** The largest spreadsheet an import takes; the toolkit's template with thousands of cases is a few MiB. */
export const MAX_UPLOAD_BYTES = 50 * 1024 * 1024;

const CONTENT_TYPES = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
} as const;

const download = Type.String({ format: 'binary' });

interface Upload {
  dir: string;
  path?: string;
}

/** Uploads kept on disk for the duration of their request. */
const uploads = new WeakMap<FastifyRequest, Upload>();

export const htcdsRoutes =
  ({ htcds }: Services): FastifyPluginAsyncTypebox =>
  async (app) => {
    const tags = ['htcds'];
    // Registered here only, so that the rest of the API keeps taking JSON alone.
    await app.register(multipart, { limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 10, parts: 11 } });

    app.post(
      '/htcds/imports',
      {
        schema: {
          tags,
          summary: 'Import cases from an HTCDS spreadsheet (.xlsx or .csv) into an agency',
          description:
            'All rows or none: when a row is not valid nothing is imported (422, with every row, column and reason ' +
            'in error.details.rejected), unless partial=true, which imports the valid rows and reports the others.',
          querystring: ImportQuery,
          body: { content: { 'multipart/form-data': { schema: ImportUpload } } } as unknown as typeof ImportUpload,
          response: responses({ 200: ImportResult }, 401, 403, 413, 415, 422),
        },
        preValidation: async (request) => {
          const name = await receiveUpload(request);
          request.body = { file: name };
        },
        onResponse: async (request) => removeUpload(request),
      },
      async (request) => {
        const upload = uploads.get(request);
        if (!upload?.path) throw new AppError('file_missing', 400, 'Attach the spreadsheet in a field named "file".');
        try {
          const sheet = await readCaseSheet(upload.path);
          const result = await htcds.import(request.ctx, sheet.rows, {
            agencyId: request.query.agencyId,
            partial: request.query.partial,
          });
          return {
            format: sheet.format,
            rows: sheet.rows.length,
            unknownColumns: sheet.unknownColumns,
            renamedColumns: sheet.renamedColumns,
            ...result,
          };
        } finally {
          await removeUpload(request);
        }
      },
    );

    app.post(
      '/htcds/imports/rejected',
      {
        schema: {
          tags,
          summary: 'The rows of a spreadsheet that an import would refuse, as a spreadsheet to fix and import again',
          description:
            'Reads the file as POST /htcds/imports does and imports nothing. The answer has the columns read, the ' +
            'refused rows with their values, and a last column (_import_error) that says why. Rows imported into the ' +
            'agency before are left out, and are skipped if the file is imported again.',
          querystring: RejectedQuery,
          body: { content: { 'multipart/form-data': { schema: ImportUpload } } } as unknown as typeof ImportUpload,
          response: responses(
            {
              200: {
                description: 'The rejected rows, as an attachment',
                content: { [CONTENT_TYPES.xlsx]: { schema: download }, 'text/csv': { schema: download } },
              } as unknown as typeof download,
            },
            401,
            403,
            413,
            415,
            422,
          ),
        },
        preValidation: async (request) => {
          const name = await receiveUpload(request);
          request.body = { file: name };
        },
        onResponse: async (request) => removeUpload(request),
      },
      async (request, reply) => {
        const upload = uploads.get(request);
        if (!upload?.path) throw new AppError('file_missing', 400, 'Attach the spreadsheet in a field named "file".');
        const { agencyId, format = 'xlsx' } = request.query;
        const sheet = await readCaseSheet(upload.path);
        const rejected = await htcds.check(request.ctx, sheet.rows, agencyId);
        const { columns, rows } = rejectedRowsSheet(sheet, rejected);
        // Written in the upload's private folder, removed with it once the answer is sent.
        const path = join(upload.dir, `rejected.${format}`);
        await writeCaseSheet(path, columns, rows, format);
        return reply
          .header('content-type', CONTENT_TYPES[format])
          .header('content-disposition', `attachment; filename="rejected-rows.${format}"`)
          .header('cache-control', 'no-store')
          .send(createReadStream(path));
      },
    );

    app.get(
      '/htcds/export',
      {
        schema: {
          tags,
          summary: "Download an agency's cases as an HTCDS toolkit spreadsheet",
          description:
            'Identity fields are included only with a purpose; each survivor whose identity is exported gets a ' +
            'disclosure record.',
          querystring: ExportQuery,
          response: responses(
            {
              200: {
                description: 'The spreadsheet, as an attachment',
                content: { [CONTENT_TYPES.xlsx]: { schema: download }, 'text/csv': { schema: download } },
              } as unknown as typeof download,
            },
            401,
            403,
          ),
        },
      },
      async (request, reply) => {
        const { agencyId, format = 'xlsx', purpose } = request.query;
        const sheet = await htcds.export(request.ctx, { agencyId, purpose });
        // A private folder: the file may hold identities until it has been sent.
        const dir = await mkdtemp(join(tmpdir(), 'passage-export-'));
        const path = join(dir, `cases.${format}`);
        try {
          await writeCaseSheet(path, sheet.columns, sheet.rows, format);
        } catch (error) {
          await rm(dir, { recursive: true, force: true });
          throw error;
        }
        const stream = createReadStream(path);
        stream.once('close', () => void rm(dir, { recursive: true, force: true }).catch(() => undefined));
        const day = new Date().toISOString().slice(0, 10);
        return reply
          .header('content-type', CONTENT_TYPES[format])
          .header('content-disposition', `attachment; filename="htcds-${agencyId}-${day}.${format}"`)
          .header('cache-control', 'no-store')
          .send(stream);
      },
    );
  };

/** Streams the uploaded file to a private temporary folder; returns the name the client gave it. */
async function receiveUpload(request: FastifyRequest): Promise<string> {
  if (!request.isMultipart()) {
    throw new AppError('unsupported_media_type', 415, 'Send the file as multipart/form-data in a field named "file".');
  }
  const upload: Upload = { dir: await mkdtemp(join(tmpdir(), 'passage-import-')) };
  uploads.set(request, upload);
  try {
    const part = await request.file();
    if (!part) throw new AppError('file_missing', 400, 'Attach the spreadsheet in a field named "file".');
    if (!isCleanText(part.filename, 'line')) throw invalidCharacters({ in: 'body', path: 'file (its name)' });
    const path = join(upload.dir, 'upload');
    await pipeline(part.file, createWriteStream(path, { flags: 'wx', mode: 0o600 }));
    // The parser cuts a file at the limit and says so only here.
    if (part.file.truncated) throw tooLarge();
    upload.path = path;
    return part.filename;
  } catch (error) {
    await removeUpload(request);
    throw uploadError(error);
  }
}

const tooLarge = () =>
  new AppError('file_too_large', 413, 'The file is larger than 50 MiB. Split it and import the parts.');

function uploadError(error: unknown): unknown {
  const code = (error as { code?: string }).code;
  if (code === 'FST_REQ_FILE_TOO_LARGE') return tooLarge();
  if (code === 'FST_FILES_LIMIT' || code === 'FST_FIELDS_LIMIT' || code === 'FST_PARTS_LIMIT') {
    return new AppError('malformed_upload', 400, 'Send one file, in a field named "file".');
  }
  // Disk and other system errors stay server errors; anything else is a broken upload.
  if (error instanceof AppError || (code && /^E[A-Z]+$/.test(code))) return error;
  return new AppError('malformed_upload', 400, 'The upload could not be read as multipart/form-data.');
}

async function removeUpload(request: FastifyRequest): Promise<void> {
  const upload = uploads.get(request);
  if (!upload) return;
  uploads.delete(request);
  await rm(upload.dir, { recursive: true, force: true });
}
