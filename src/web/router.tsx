import {
  createContext,
  type MouseEvent,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
} from 'react';

interface Router {
  path: string;
  /** Counts navigations since the page loaded; pages move focus to their heading when it changes. */
  navigationCount: number;
  navigate(to: string, options?: { replace?: boolean }): void;
}

const RouterContext = createContext<Router | null>(null);

/** A tiny router on the History API: the shell has a handful of flat paths and needs nothing more. */
export function RouterProvider({ children }: { children: ReactNode }) {
  const [location, setLocation] = useState({ path: window.location.pathname, count: 0 });

  useEffect(() => {
    // Following an in-page link such as the skip link also fires popstate; only a new path is a navigation.
    const onPopState = () =>
      setLocation((current) =>
        current.path === window.location.pathname
          ? current
          : { path: window.location.pathname, count: current.count + 1 },
      );
    window.addEventListener('popstate', onPopState);
    return () => window.removeEventListener('popstate', onPopState);
  }, []);

  const navigate = useCallback((to: string, { replace = false } = {}) => {
    if (replace) window.history.replaceState(null, '', to);
    else window.history.pushState(null, '', to);
    setLocation((current) => ({ path: window.location.pathname, count: current.count + 1 }));
  }, []);

  const router = useMemo(
    () => ({ path: location.path, navigationCount: location.count, navigate }),
    [location, navigate],
  );
  return <RouterContext value={router}>{children}</RouterContext>;
}

export function useRouter(): Router {
  const router = useContext(RouterContext);
  if (!router) throw new Error('useRouter is used outside a RouterProvider');
  return router;
}

/**
 * An in-app link. A `section` link (in the main menu) is also marked current on the pages below it, such as a case
 * under Cases, as `aria-current="true"` rather than "page".
 */
export function Link({
  to,
  section = false,
  className,
  children,
}: {
  to: string;
  section?: boolean;
  className?: string;
  children: ReactNode;
}) {
  const { path, navigate } = useRouter();
  const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
    // Leave new-tab and new-window clicks to the browser.
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(to, { replace: to === path });
  };
  return (
    <a
      href={to}
      className={className}
      onClick={onClick}
      aria-current={to === path ? 'page' : section && path.startsWith(`${to}/`) ? 'true' : undefined}
    >
      {children}
    </a>
  );
}
