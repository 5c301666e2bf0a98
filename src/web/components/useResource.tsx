import { type ReactNode, useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type ErrorId, ErrorMessage, errorIdOf } from './ErrorMessage.tsx';

export interface Resource<T> {
  data: T | null;
  error: ErrorId | null;
  reload(): void;
  /** Replaces the data with what a change returned, without asking the server again. */
  set(data: T): void;
}

/**
 * Loads data when the component appears and whenever `load` changes (memoise it with useCallback on what it reads).
 * An answer that arrives after a newer request started is dropped, so a slow response never overwrites a newer one.
 */
export function useResource<T>(load: () => Promise<T>): Resource<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<ErrorId | null>(null);
  const [attempt, setAttempt] = useState(0);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `attempt` is how reload() asks for the same data again.
  useEffect(() => {
    let current = true;
    setError(null);
    load().then(
      (loaded) => {
        if (current) setData(loaded);
      },
      (failure) => {
        if (current) setError(errorIdOf(failure));
      },
    );
    return () => {
      current = false;
    };
  }, [load, attempt]);

  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  return { data, error, reload, set: setData };
}

/** What to show while a resource loads or when it failed; `children` once it is there. */
export function Loaded<T>({ resource, children }: { resource: Resource<T>; children: (data: T) => ReactNode }) {
  const { t } = useTranslation();
  if (resource.error) {
    return (
      <>
        <ErrorMessage errorId={resource.error} />
        <button type="button" className="button secondary" onClick={resource.reload}>
          {t('app.retry')}
        </button>
      </>
    );
  }
  if (resource.data === null) return <p role="status">{t('app.loading')}</p>;
  return children(resource.data);
}
