import type { Queryable } from '../../db/client.ts';
import { iso, type Row } from '../../db/rows.ts';
import type { PhotoMediaType } from './photo-content.ts';

/** What may be said about a photo without showing it. */
export interface PhotoMeta {
  id: string;
  mediaType: PhotoMediaType;
  /** Bytes of the image. */
  size: number;
  createdAt: string;
  createdBy: string;
}

const META = 'id, media_type, size, created_at, created_by';

const toMeta = (r: Row): PhotoMeta => ({
  id: r.id,
  mediaType: r.media_type,
  size: Number(r.size),
  createdAt: iso(r.created_at) as string,
  createdBy: r.created_by,
});

export async function insertPhoto(
  q: Queryable,
  p: Omit<PhotoMeta, 'createdAt'> & { personId: string; sealed: Buffer },
): Promise<PhotoMeta> {
  const rows = await q.query<Row>(
    `insert into person_photos (id, person_id, media_type, size, sealed, created_by)
     values ($1, $2, $3, $4, $5, $6) returning ${META}`,
    [p.id, p.personId, p.mediaType, p.size, p.sealed, p.createdBy],
  );
  return toMeta(rows[0] as Row);
}

export async function countPhotos(q: Queryable, personId: string): Promise<number> {
  const rows = await q.query<{ n: number }>('select count(*)::integer as n from person_photos where person_id = $1', [
    personId,
  ]);
  return Number(rows[0]?.n ?? 0);
}

/** Oldest first, without the images. */
export async function listPhotos(q: Queryable, personId: string): Promise<PhotoMeta[]> {
  const rows = await q.query<Row>(`select ${META} from person_photos where person_id = $1 order by created_at, id`, [
    personId,
  ]);
  return rows.map(toMeta);
}

export async function findPhoto(
  q: Queryable,
  personId: string,
  photoId: string,
): Promise<(PhotoMeta & { sealed: Uint8Array }) | null> {
  const rows = await q.query<Row>(`select ${META}, sealed from person_photos where person_id = $1 and id = $2`, [
    personId,
    photoId,
  ]);
  const row = rows[0];
  return row ? { ...toMeta(row), sealed: row.sealed } : null;
}

export async function deletePhoto(q: Queryable, personId: string, photoId: string): Promise<boolean> {
  const rows = await q.query('delete from person_photos where person_id = $1 and id = $2 returning id', [
    personId,
    photoId,
  ]);
  return rows.length > 0;
}

/** Part of erasure: the ciphertexts go with the data key. */
export async function deletePersonPhotos(q: Queryable, personId: string): Promise<void> {
  await q.query('delete from person_photos where person_id = $1', [personId]);
}
