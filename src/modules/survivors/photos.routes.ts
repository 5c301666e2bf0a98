import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { NoContent, responses } from '../../app/schemas.ts';
import type { Services } from '../../app/services.ts';
import { AppError } from '../../lib/errors.ts';
import { invalidCharacters, isCleanText } from '../../lib/text-hygiene.ts';
import { CaseParams } from '../cases/index.ts';
import { PHOTO_MAX_BYTES, PHOTO_MEDIA_TYPES, photoTooLarge } from './photo-content.ts';
import { Photo, PhotoParams, PhotoQuery, PhotoUpload } from './photos.schema.ts';

const binary = Type.String({ format: 'binary' });

/** Images received, held for the duration of their request only. */
const received = new WeakMap<FastifyRequest, Buffer>();

export const photosRoutes =
  ({ survivors }: Services): FastifyPluginAsyncTypebox =>
  async (app) => {
    const tags = ['cases'];
    // In this scope only, so that the rest of the API keeps taking JSON alone. The limit cuts a stream at 5 MiB.
    await app.register(multipart, { limits: { fileSize: PHOTO_MAX_BYTES, files: 1, fields: 0, parts: 1 } });

    app.post(
      '/cases/:caseId/identity/photos',
      {
        schema: {
          tags,
          summary: 'Add a photo of the survivor (JPEG, PNG or WebP, at most 5 MiB, at most 5 per survivor)',
          description:
            "The photo is identity data: it is encrypted under the survivor's data key and erased with it. The type " +
            "is read from the image's first bytes (photo_type_not_allowed when it is not an accepted type).",
          params: CaseParams,
          body: { content: { 'multipart/form-data': { schema: PhotoUpload } } } as unknown as typeof PhotoUpload,
          response: responses({ 201: Photo }, 401, 403, 404, 409, 410, 413, 415),
        },
        preValidation: async (request) => {
          received.set(request, await receivePhoto(request));
          request.body = { file: '' };
        },
      },
      async (request, reply) => {
        const bytes = received.get(request) as Buffer;
        received.delete(request);
        return reply.status(201).send(await survivors.photos.add(request.ctx, request.params.caseId, bytes));
      },
    );

    app.get(
      '/cases/:caseId/identity/photos',
      {
        schema: {
          tags,
          summary: "The survivor's photos, without the images (type, size, when and by whom added)",
          description: 'Agencies that received the case by referral get photos_not_shared: referrals share no photos.',
          params: CaseParams,
          response: responses({ 200: Type.Array(Photo) }, 401, 403, 404, 410),
        },
      },
      (request) => survivors.photos.list(request.ctx, request.params.caseId),
    );

    app.get(
      '/cases/:caseId/identity/photos/:photoId',
      {
        schema: {
          tags,
          summary: 'Show one photo of the survivor for a stated purpose (recorded as a disclosure)',
          description: 'Without a permitted purpose the answer is purpose_required. The image is never cached.',
          params: PhotoParams,
          querystring: PhotoQuery,
          response: responses(
            {
              200: {
                description: 'The image, with its own type',
                content: Object.fromEntries(PHOTO_MEDIA_TYPES.map((type) => [type, { schema: binary }])),
              } as unknown as typeof binary,
            },
            401,
            403,
            404,
            410,
          ),
        },
      },
      async (request, reply) => {
        const { caseId, photoId } = request.params;
        const { photo, image } = await survivors.photos.read(request.ctx, caseId, photoId, request.query.purpose);
        return reply
          .header('content-type', photo.mediaType)
          .header('content-disposition', 'inline')
          .header('cache-control', 'no-store')
          .send(image);
      },
    );

    app.delete(
      '/cases/:caseId/identity/photos/:photoId',
      {
        schema: {
          tags,
          summary: 'Delete a photo of the survivor (its ciphertext is removed)',
          params: PhotoParams,
          response: responses({ 204: NoContent }, 401, 403, 404, 410),
        },
      },
      async (request, reply) => {
        await survivors.photos.remove(request.ctx, request.params.caseId, request.params.photoId);
        return reply.status(204).send(null);
      },
    );
  };

/** Reads the one uploaded file into memory: at most 5 MiB, which the encryption needs whole anyway. */
async function receivePhoto(request: FastifyRequest): Promise<Buffer> {
  if (!request.isMultipart()) {
    throw new AppError('unsupported_media_type', 415, 'Send the photo as multipart/form-data in a field named "file".');
  }
  try {
    const part = await request.file();
    if (part?.fieldname !== 'file')
      throw new AppError('file_missing', 400, 'Attach the photo in a field named "file".');
    // The input rule (src/lib/text-hygiene.ts) for the file's name too, though the name is not kept.
    if (!isCleanText(part.filename, 'line')) throw invalidCharacters({ in: 'body', path: 'file (its name)' });
    return await part.toBuffer();
  } catch (error) {
    throw uploadError(error);
  }
}

function uploadError(error: unknown): unknown {
  if (error instanceof AppError) return error;
  const code = (error as { code?: string }).code;
  if (code === 'FST_REQ_FILE_TOO_LARGE') return photoTooLarge();
  return new AppError('malformed_upload', 400, 'Send one image as multipart/form-data, in a field named "file".');
}
