import { type Static, Type } from 'typebox';
import { PurposeName } from '../cases/index.ts';

const strict = { additionalProperties: false } as const;

export const PhotoParams = Type.Object({ caseId: Type.String(), photoId: Type.String() });

export const PhotoQuery = Type.Object(
  {
    purpose: Type.Optional(PurposeName),
  },
  strict,
);

export const PhotoUpload = Type.Object({
  file: Type.String({ format: 'binary', description: 'A JPEG, PNG or WebP image of at most 5 MiB' }),
});

export const Photo = Type.Object(
  {
    id: Type.String(),
    mediaType: Type.Union([Type.Literal('image/jpeg'), Type.Literal('image/png'), Type.Literal('image/webp')], {
      description: 'Read from the image itself, not from what the uploader declared',
    }),
    size: Type.Integer({ description: 'Bytes of the image' }),
    createdAt: Type.String({ format: 'date-time' }),
    createdBy: Type.String({ description: 'Who added it (user:<id> or operator:<name>)' }),
  },
  { description: 'A photo of the survivor, without the image (that needs a purpose)' },
);
export type Photo = Static<typeof Photo>;
