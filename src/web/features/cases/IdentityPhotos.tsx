import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, type Purpose } from '../../api.ts';
import { type ErrorId, ErrorMessage, errorIdOf } from '../../components/ErrorMessage.tsx';
import { TextField } from '../../components/Field.tsx';
import { DATE, useDateFormat } from '../../i18n/format.ts';
import { ConfirmDialog } from '../admin/ConfirmDialog.tsx';
import { type Photo, photosApi } from './photos-api.ts';

interface IdentityPhotosProps {
  caseId: string;
  /** The purpose the identity was revealed for; each photo shown is recorded with it. */
  purpose: Purpose;
  canEdit: boolean;
  /** After photos were shown, added or deleted: the disclosure log and the timeline have new entries. */
  onLogged(): void;
}

interface Shown {
  photo: Photo;
  /** An object URL of the image in this page's memory; revoked when the photos are hidden. */
  url: string;
}

/** Refusals of a photo that have their own words; anything else gets the app's general message for its id. */
const PHOTO_ERRORS = ['photo_type_not_allowed', 'photo_too_large', 'photo_limit_reached', 'file_missing'] as const;
type PhotoError = (typeof PHOTO_ERRORS)[number];
type Problem = { photo: PhotoError } | { general: ErrorId };

const MAX_BYTES = 5 * 1024 * 1024;

/** Object URLs this panel made, so that none outlives it. */
function keep(held: Set<string>, image: Blob): string {
  const url = URL.createObjectURL(image);
  held.add(url);
  return url;
}

function drop(held: Set<string>, url: string): void {
  URL.revokeObjectURL(url);
  held.delete(url);
}

function problemOf(failure: unknown): Problem {
  const id = failure instanceof ApiError ? failure.id : null;
  const own = PHOTO_ERRORS.find((known) => known === id);
  return own ? { photo: own } : { general: errorIdOf(failure) };
}

/**
 * The survivor's photos, shown once the identity is revealed for a purpose. The images come from the node only for
 * that purpose, live in this page's memory as object URLs, and go when the identity is hidden.
 */
export function IdentityPhotos({ caseId, purpose, canEdit, onLogged }: IdentityPhotosProps) {
  const { t } = useTranslation();
  const ids = useId();
  const date = useDateFormat(DATE);
  const [photos, setPhotos] = useState<Shown[] | null>(null);
  const [loadError, setLoadError] = useState<ErrorId | null>(null);
  const [adding, setAdding] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [done, setDone] = useState<'added' | 'deleted' | null>(null);
  const [deleting, setDeleting] = useState<Photo | null>(null);
  const urls = useRef(new Set<string>());
  const logged = useRef(onLogged);
  logged.current = onLogged;

  useEffect(() => {
    const held = urls.current;
    return () => {
      for (const url of held) URL.revokeObjectURL(url);
      held.clear();
    };
  }, []);

  useEffect(() => {
    let live = true;
    const held = urls.current;
    setPhotos(null);
    setLoadError(null);
    (async () => {
      const list = await photosApi.list(caseId);
      const shown = await Promise.all(
        list.map(async (photo) => ({ photo, url: keep(held, await photosApi.image(caseId, photo.id, purpose)) })),
      );
      if (!live) {
        for (const { url } of shown) drop(held, url);
        return;
      }
      setPhotos(shown);
      if (shown.length > 0) logged.current();
    })().catch((failure: unknown) => {
      if (live) setLoadError(errorIdOf(failure));
    });
    return () => {
      live = false;
    };
  }, [caseId, purpose]);

  const add = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (adding) return;
    const form = event.currentTarget;
    const file = new FormData(form).get('photo');
    setDone(null);
    setProblem(null);
    const refuse = (found: Problem) => {
      setProblem(found);
      form.querySelector('input')?.focus();
    };
    if (!(file instanceof File) || file.size === 0) return refuse({ photo: 'file_missing' });
    if (file.size > MAX_BYTES) return refuse({ photo: 'photo_too_large' });
    setAdding(true);
    try {
      const photo = await photosApi.add(caseId, file);
      // The file chosen is the image: showing it needs no second trip to the node.
      setPhotos((current) => [...(current ?? []), { photo, url: keep(urls.current, file) }]);
      form.reset();
      setDone('added');
      logged.current();
    } catch (failure) {
      refuse(problemOf(failure));
    } finally {
      setAdding(false);
    }
  };

  const errorId = `${ids}-error`;
  return (
    <section aria-labelledby={`${ids}-title`} className="subsection">
      <h3 id={`${ids}-title`}>{t('photos.title')}</h3>
      {loadError && <ErrorMessage errorId={loadError} />}
      {!photos && !loadError && <p role="status">{t('photos.loading')}</p>}
      {photos?.length === 0 && <p>{t('photos.none')}</p>}
      {done && (
        <p role="status" className="notice">
          {t(done === 'added' ? 'photos.added' : 'photos.deleted')}
        </p>
      )}
      {photos && photos.length > 0 && (
        <ul className="plain facts">
          {photos.map(({ photo, url }, index) => (
            <li key={photo.id}>
              <img src={url} width={240} alt={t('photos.alt', { number: index + 1, date: date(photo.createdAt) })} />
              {canEdit && (
                <div className="actions compact">
                  <button type="button" className="button secondary small" onClick={() => setDeleting(photo)}>
                    {t('photos.delete', { number: index + 1 })}
                  </button>
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
      {canEdit && photos && (
        <form className="form" noValidate aria-labelledby={`${ids}-add`} onSubmit={(event) => void add(event)}>
          <h4 id={`${ids}-add`}>{t('photos.addTitle')}</h4>
          {problem &&
            ('photo' in problem ? (
              <p id={errorId} role="alert" className="alert">
                {t(`photos.errors.${problem.photo}`)}
              </p>
            ) : (
              <ErrorMessage id={errorId} errorId={problem.general} />
            ))}
          <TextField
            label={t('photos.file')}
            hint={t('photos.fileHint')}
            name="photo"
            type="file"
            accept="image/jpeg,image/png,image/webp"
            errorId={problem ? errorId : undefined}
          />
          <button type="submit" className="button secondary" aria-disabled={adding}>
            {adding ? t('photos.adding') : t('photos.add')}
          </button>
        </form>
      )}
      {deleting && (
        <ConfirmDialog
          title={t('photos.deleteTitle')}
          body={t('photos.deleteBody')}
          confirm={t('photos.deleteConfirm')}
          pending={t('photos.deleting')}
          action={() => photosApi.remove(caseId, deleting.id)}
          onCancel={() => setDeleting(null)}
          onDone={() => {
            const gone = photos?.find((shown) => shown.photo.id === deleting.id);
            if (gone) drop(urls.current, gone.url);
            setPhotos((current) => current?.filter((shown) => shown.photo.id !== deleting.id) ?? null);
            setDeleting(null);
            setDone('deleted');
            logged.current();
          }}
        />
      )}
    </section>
  );
}
