import { MutationCache, QueryClient, type QueryKey } from '@tanstack/react-query';

declare module '@tanstack/react-query' {
  interface Register {
    mutationMeta: {
      /** The queries a change makes stale (prefixes of their keys); without it, every query with a key of its own. */
      invalidates?: QueryKey[];
    };
  }
}

/**
 * The web app's one cache of server data. Every page on screen refreshes itself when the window gets the focus back
 * (at most every ten seconds: a read of protected data is an audit record each time), and `live` lists every few
 * seconds while shown: updates arrive without a button.
 * A change made with `useMutation` marks the queries it changes as stale, and those on screen load again.
 */
export const queryClient: QueryClient = new QueryClient({
  mutationCache: new MutationCache({
    onSuccess: (_data, _variables, _context, mutation): Promise<unknown> => {
      const invalidates = mutation.meta?.invalidates;
      if (invalidates) {
        return Promise.all(invalidates.map((queryKey: QueryKey) => queryClient.invalidateQueries({ queryKey })));
      }
      // Anonymous `useResource` queries (keyed by their load function) reload themselves after their own changes.
      return queryClient.invalidateQueries({ predicate: (query) => query.queryKey[0] !== 'resource' });
    },
  }),
  defaultOptions: {
    queries: {
      // A refusal or a missing record does not get better by asking again; the page says what went wrong instead.
      retry: false,
      refetchOnWindowFocus: true,
      staleTime: 10_000,
    },
  },
});

/** How often lists that others change (inboxes, requests from other nodes) ask the server again while shown. */
export const LIVE_INTERVAL_MS = 15_000;

export {
  keepPreviousData,
  QueryClientProvider,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
