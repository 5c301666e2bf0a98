import { keepPreviousData, type QueryKey, useQuery, useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { RoleId } from '../api.ts';
import { type ErrorId, ErrorMessage, errorIdOf, neededRolesOf } from './ErrorMessage.tsx';
import { LIVE_INTERVAL_MS } from './queries.ts';

export interface Resource<T> {
  data: T | null;
  error: ErrorId | null;
  /** With a refusal (`forbidden`): the roles that could have read it. */
  neededRoles?: RoleId[] | null;
  reload(): void;
  /** Replaces the data with what a change returned, without asking the server again. */
  set(data: T): void;
}

export interface ResourceOptions {
  /**
   * Names the data in the shared cache, so that other components can read or invalidate it and a page shown again
   * starts from what it showed last. It must name everything `load` reads. Without it, `load` itself is the key.
   */
  key?: QueryKey;
  /** An inbox-like list that others change: asked again every few seconds while it is on screen. */
  live?: boolean;
}

// Each `load` function gets a number of its own; a new function (useCallback with new inputs) is a new query.
const loadIds = new WeakMap<() => Promise<unknown>, number>();
let nextLoadId = 0;
function loadKey(load: () => Promise<unknown>): QueryKey {
  let id = loadIds.get(load);
  if (id === undefined) {
    id = nextLoadId++;
    loadIds.set(load, id);
  }
  return ['resource', id];
}

/**
 * Loads data when the component appears and whenever `load` changes (memoise it with useCallback on what it reads),
 * through the app's query cache (TanStack Query): the data is asked for again when the window gets the focus back,
 * after any change the server accepted (see `afterChange`), and every few seconds for `live` lists. While a new `load`
 * runs the previous data stays on screen; an answer that arrives after a newer request started is dropped.
 */
export function useResource<T>(load: () => Promise<T>, options: ResourceOptions = {}): Resource<T> {
  const client = useQueryClient();
  const queryKey = options.key ?? loadKey(load);
  const query = useQuery({
    queryKey,
    queryFn: load,
    placeholderData: keepPreviousData,
    refetchInterval: options.live ? LIVE_INTERVAL_MS : false,
    // Data keyed by a component's own load function can never be asked for again once the component is gone: it
    // leaves memory with it (it may be personal data shown for a purpose).
    ...(options.key ? {} : { gcTime: 0 }),
  });
  // A background refresh that fails leaves what is shown in place; a failure the user asked for (or a first load) shows.
  const [asked, setAsked] = useState(false);
  const { refetch, dataUpdatedAt } = query;
  // biome-ignore lint/correctness/useExhaustiveDependencies: new data is what ends an asked-for reload.
  useEffect(() => setAsked(false), [dataUpdatedAt]);
  const failed = query.status === 'error' && !query.isFetching && (query.data === undefined || asked);
  const reload = useCallback(() => {
    setAsked(true);
    void refetch();
  }, [refetch]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the key's contents, not its identity, name the data.
  const set = useCallback((data: T) => client.setQueryData(queryKey, data), [client, JSON.stringify(queryKey)]);
  return {
    data: query.data === undefined ? null : query.data,
    error: failed ? errorIdOf(query.error) : null,
    neededRoles: failed ? neededRolesOf(query.error) : null,
    reload,
    set,
  };
}

/** What to show while a resource loads or when it failed; `children` once it is there. */
export function Loaded<T>({ resource, children }: { resource: Resource<T>; children: (data: T) => ReactNode }) {
  const { t } = useTranslation();
  // A refusal says which roles could see this, and offers no "Try again": asking again would be refused again.
  if (resource.error === 'forbidden') return <ErrorMessage errorId="forbidden" roles={resource.neededRoles} />;
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
