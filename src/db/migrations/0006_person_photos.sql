-- Photos of a person (issue #3): identity data like a name, so each photo is encrypted under the person's data key
-- (AES-256-GCM, bound to the person and the photo id) and goes with that key when the person is erased. The node
-- reads the image type from the file's first bytes; only JPEG, PNG and WebP images of at most 5 MiB are kept.
create table person_photos (
  id text primary key,
  person_id text not null references persons (id),
  media_type text not null check (media_type in ('image/jpeg', 'image/png', 'image/webp')),
  -- bytes of the image itself, before encryption
  size integer not null check (size > 0 and size <= 5242880),
  -- version byte | IV | ciphertext | GCM tag (src/modules/cases/photo-seal.ts)
  sealed bytea not null,
  created_at timestamptz not null default now(),
  created_by text not null
);
create index person_photos_person on person_photos (person_id, created_at);
