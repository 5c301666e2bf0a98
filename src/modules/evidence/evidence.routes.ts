import { PassThrough } from 'node:stream';
import multipart, { type Multipart, type MultipartFile } from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { responses } from '../../app/schemas.ts';
import type { Services } from '../../app/services.ts';
import { AppError } from '../../lib/errors.ts';
import { invalidCharacters, isCleanText } from '../../lib/text-hygiene.ts';
import { DESCRIPTION_MAX } from '../../shared/evidence.ts';
import { writeBagZipStream } from './bag-writer.ts';
import {
  CaseEvidenceParams,
  ContentQuery,
  CopyUpload,
  CustodyEvent,
  EvidenceItem,
  EvidenceParams,
  EvidenceUpload,
} from './evidence.schema.ts';
import { tooLarge } from './evidence.service.ts';

export const evidenceSchemas = [EvidenceItem, CustodyEvent];

/**
 * A request answered before its body arrived (refused, too large, failed) would have the node read and throw away
 * whatever the client still sends, gigabytes perhaps. Closing at once is no better: closing a connection with unread
 * data resets it, and the client may lose the answer it has not read yet. So the node keeps reading for a moment,
 * discarding, to let the client see the answer and stop, then closes the connection. (A client that asked for
 * `Connection: close` gets the connection closed right after the answer, by Node itself.)
 */
const LINGER_MS = 2000;
const LINGER_BYTES = 16 * 1024 * 1024;

/** Room for the metadata fields and the multipart framing around the file, on top of the largest file. */
const FRAMING_ALLOWANCE = 256 * 1024;
const MAX_FIELDS = 20;

interface Upload {
  fields: Record<string, string>;
  file: MultipartFile | null;
  parts: AsyncIterator<Multipart>;
}

/** The fields read ahead of the file, and the file part itself, not yet read, per request. */
const uploads = new WeakMap<FastifyRequest, Upload>();

const multipartBody = <T>(schema: T) => ({ content: { 'multipart/form-data': { schema } } }) as unknown as T;
const download = Type.String({ format: 'binary' });

export const evidenceRoutes =
  ({ evidence, evidencePackages }: Services): FastifyPluginAsyncTypebox =>
  async (app) => {
    const tags = ['evidence'];
    // Registered here only, so that the rest of the API keeps taking JSON alone. The file limit is one byte above
    // the node's maximum so that the store, which counts the bytes, is the one that refuses a file that is too large.
    await app.register(multipart, {
      throwFileSizeLimit: false,
      limits: {
        fileSize: evidence.maxBytes + 1,
        files: 1,
        fields: MAX_FIELDS,
        parts: MAX_FIELDS + 1,
        fieldSize: DESCRIPTION_MAX * 4,
      },
    });
    app.addHook('onResponse', async (request) => lingerThenClose(request));
    const refuseEarly = async (request: FastifyRequest) => {
      const length = Number(request.headers['content-length']);
      if (length > evidence.maxBytes + FRAMING_ALLOWANCE) throw tooLarge(evidence.maxBytes);
    };
    const uploadOptions = {
      onRequest: refuseEarly,
      preValidation: async (request: FastifyRequest) => {
        const upload = await readFields(request);
        request.body = { file: upload.file?.filename ?? '' };
      },
    };

    app.post(
      '/cases/:caseId/evidence',
      {
        schema: {
          tags,
          summary: 'Add an evidence item to a case (multipart: the metadata fields first, then the file)',
          description:
            'The file is streamed to the evidence store while its SHA-256 and SHA-512 are computed. Send the fields ' +
            'before the file part; a field after it is refused. A file larger than the node’s limit is refused ' +
            '(413 evidence_too_large), early when Content-Length already says so. With a sha256 field, a file that ' +
            'does not match it is refused (400 hash_mismatch). Nothing is kept when an upload fails or is aborted.',
          params: CaseEvidenceParams,
          body: multipartBody(EvidenceUpload),
          response: responses({ 201: Type.Ref('EvidenceItem') }, 401, 403, 404, 413, 415),
        },
        ...uploadOptions,
      },
      async (request, reply) => {
        const upload = takeUpload(request);
        const item = await evidence
          .add(request.ctx, request.params.caseId, fieldsOf(upload), content(upload))
          .catch(rethrowUploadError);
        return reply.status(201).send(item);
      },
    );

    app.get(
      '/cases/:caseId/evidence',
      {
        schema: {
          tags,
          summary: 'List the evidence items of a case, with their hashes and handling codes',
          params: CaseEvidenceParams,
          response: responses({ 200: Type.Object({ items: Type.Array(Type.Ref('EvidenceItem')) }) }, 401, 403, 404),
        },
      },
      async (request) => ({ items: await evidence.list(request.ctx, request.params.caseId) }),
    );

    app.get(
      '/cases/:caseId/evidence/package',
      {
        schema: {
          tags,
          summary: 'Export the evidence package of a case: a BagIt bag (zip) with every item and its custody proofs',
          description:
            'Records an "exported" custody event for every item, then streams the bag: the items under data/, their ' +
            'SHA-256 and SHA-512 manifests, and under custody/ the signed checkpoint, the node’s verifier key and ' +
            'every custody event of the items with its inclusion proof (decision 0004). `passage verify` checks it ' +
            'offline. If a stored file no longer matches its hashes, the download is cut off rather than finished. ' +
            '409 evidence_none when the case has no evidence.',
          params: CaseEvidenceParams,
          response: responses(
            {
              200: {
                description: 'The bag, as a zip attachment',
                content: { 'application/zip': { schema: download } },
              } as unknown as typeof download,
            },
            401,
            403,
            404,
            409,
          ),
        },
      },
      async (request, reply) => {
        const contents = await evidencePackages.prepare(request.ctx, request.params.caseId);
        const body = new PassThrough();
        writeBagZipStream(body, contents).catch((error: unknown) => {
          request.log.error({ err: error, packageId: contents.packageId }, 'evidence package cut off');
          body.destroy(error as Error);
        });
        return reply
          .header('content-type', 'application/zip')
          .header('content-disposition', attachment(`${contents.name}-evidence.zip`))
          .header('cache-control', 'no-store')
          .send(body);
      },
    );

    app.get(
      '/evidence/:evidenceId',
      {
        schema: {
          tags,
          summary: 'Read an evidence item’s metadata',
          params: EvidenceParams,
          response: responses({ 200: Type.Ref('EvidenceItem') }, 401, 403, 404),
        },
      },
      (request) => evidence.get(request.ctx, request.params.evidenceId),
    );

    app.get(
      '/evidence/:evidenceId/custody',
      {
        schema: {
          tags,
          summary: 'The custody events of an evidence item, oldest first, with their custody log indices',
          params: EvidenceParams,
          response: responses({ 200: Type.Object({ events: Type.Array(Type.Ref('CustodyEvent')) }) }, 401, 403, 404),
        },
      },
      async (request) => ({ events: await evidence.custodyOf(request.ctx, request.params.evidenceId) }),
    );

    app.get(
      '/evidence/:evidenceId/content',
      {
        schema: {
          tags,
          summary:
            'Download an evidence item’s content, for a stated purpose (recorded as an "accessed" custody event)',
          description:
            'Streams the stored bytes with Content-Length, ETag (the SHA-256) and Repr-Digest. The download is in the ' +
            'audit trail and the custody log before it starts. If the stored bytes no longer match the hash, the ' +
            'response is cut off before its end, so that a damaged file is never taken for the evidence.',
          params: EvidenceParams,
          querystring: ContentQuery,
          response: responses(
            {
              200: {
                description: 'The content, as an attachment',
                content: { 'application/octet-stream': { schema: download } },
              } as unknown as typeof download,
            },
            401,
            403,
            404,
          ),
        },
      },
      async (request, reply) => {
        const { item, stream } = await evidence.openContent(
          request.ctx,
          request.params.evidenceId,
          request.query.purpose,
        );
        return reply
          .header('content-type', item.mediaType)
          .header('content-length', item.size)
          .header('etag', `"${item.sha256}"`)
          .header('repr-digest', `sha-256=:${Buffer.from(item.sha256, 'hex').toString('base64')}:`)
          .header('content-disposition', attachment(item.fileName))
          .header('content-security-policy', "sandbox; default-src 'none'")
          .header('cache-control', 'no-store')
          .send(stream);
      },
    );

    app.post(
      '/evidence/:evidenceId/copies',
      {
        schema: {
          tags,
          summary: 'Add a working copy of an item (a redaction, transcript or translation): a new item',
          description:
            'Multipart like an upload: the fields first (transformation is required; fields left out are taken from ' +
            'the original), then the file. The original never changes; the copy records its hash and the ' +
            'transformation, and its custody history starts with a "derived" event.',
          params: EvidenceParams,
          body: multipartBody(CopyUpload),
          response: responses({ 201: Type.Ref('EvidenceItem') }, 401, 403, 404, 413, 415),
        },
        ...uploadOptions,
      },
      async (request, reply) => {
        const upload = takeUpload(request);
        const item = await evidence
          .derive(request.ctx, request.params.evidenceId, fieldsOf(upload), content(upload))
          .catch(rethrowUploadError);
        return reply.status(201).send(item);
      },
    );
  };

function lingerThenClose(request: FastifyRequest): void {
  const incoming = request.raw;
  if (incoming.complete || incoming.destroyed) return;
  const socket = incoming.socket;
  let discarded = 0;
  // A request made with app.inject has a stand-in socket without destroy: there is no connection to close.
  const close = () => {
    if (typeof socket?.destroy === 'function') socket.destroy();
  };
  const timer = setTimeout(close, LINGER_MS);
  timer.unref();
  incoming.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > LINGER_BYTES) close();
  });
  incoming.once('end', () => {
    clearTimeout(timer);
    // The body ended after all, but the connection has seen a request cut short: do not reuse it.
    close();
  });
  incoming.resume();
}

/** Reads the metadata fields up to the file part, leaving the file unread for the handler to stream. */
async function readFields(request: FastifyRequest): Promise<Upload> {
  if (!request.isMultipart()) {
    throw new AppError(
      'unsupported_media_type',
      415,
      'Send the evidence as multipart/form-data: the fields, then the file.',
    );
  }
  const parts = request.parts()[Symbol.asyncIterator]();
  const upload: Upload = { fields: {}, file: null, parts };
  try {
    for (;;) {
      const next = await parts.next();
      if (next.done) break;
      const part = next.value;
      if (part.type === 'file') {
        // The input rule (src/lib/text-hygiene.ts) for what a multipart body carries, as the JSON bodies have it.
        if (!isCleanText(part.filename, 'line')) throw invalidCharacters({ in: 'body', path: 'file (its name)' });
        upload.file = part;
        break;
      }
      if (!isCleanText(part.fieldname, 'line')) throw invalidCharacters({ in: 'body', path: '?' });
      if (!isCleanText(String(part.value))) throw invalidCharacters({ in: 'body', path: part.fieldname });
      if (part.valueTruncated || part.fieldnameTruncated) {
        throw new AppError('malformed_upload', 400, `The field ${part.fieldname} is too long.`);
      }
      if (Object.hasOwn(upload.fields, part.fieldname)) {
        throw new AppError('malformed_upload', 400, `The field ${part.fieldname} is sent twice.`);
      }
      upload.fields[part.fieldname] = String(part.value);
    }
  } catch (error) {
    rethrowUploadError(error);
  }
  uploads.set(request, upload);
  return upload;
}

function takeUpload(request: FastifyRequest): Upload & { file: MultipartFile } {
  const upload = uploads.get(request);
  uploads.delete(request);
  if (!upload?.file)
    throw new AppError('file_missing', 400, 'Attach the file as the last part, in a field named "file".');
  return upload as Upload & { file: MultipartFile };
}

function fieldsOf(upload: Upload & { file: MultipartFile }): Record<string, string> {
  const { fileName, mediaType } = upload.fields;
  return { ...upload.fields, fileName: fileName ?? upload.file.filename, mediaType: mediaType ?? upload.file.mimetype };
}

/**
 * The file's bytes, ending only when the whole request has: a part after the file, or a body cut off after it,
 * fails the upload before anything is committed.
 */
async function* content(upload: Upload & { file: MultipartFile }): AsyncGenerator<Uint8Array> {
  yield* upload.file.file;
  const next = await upload.parts.next();
  if (!next.done) {
    throw new AppError('malformed_upload', 400, 'Send the fields before the file; nothing may follow the file.');
  }
}

/** Multipart parser errors as the API's errors; anything else (disk, database) stays what it is. */
function rethrowUploadError(error: unknown): never {
  const code = (error as { code?: string }).code;
  if (code === 'FST_FILES_LIMIT' || code === 'FST_FIELDS_LIMIT' || code === 'FST_PARTS_LIMIT') {
    throw new AppError('malformed_upload', 400, `Send at most ${MAX_FIELDS} fields and one file.`);
  }
  const message = error instanceof Error ? error.message : '';
  if (code === 'FST_MP_PREMATURE_CLOSE' || /unexpected end of multipart data/i.test(message)) {
    throw new AppError('upload_interrupted', 400, 'The upload ended before the whole file arrived. Nothing was kept.');
  }
  if (error instanceof AppError || (code && /^E[A-Z]+$/.test(code))) throw error;
  if (/multipart|boundary/i.test(message)) {
    throw new AppError('malformed_upload', 400, 'The upload could not be read as multipart/form-data.');
  }
  throw error;
}

/** Content-Disposition for a download, with the file name in both the plain and the RFC 8187 forms. */
function attachment(fileName: string): string {
  const plain = fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${plain}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}
