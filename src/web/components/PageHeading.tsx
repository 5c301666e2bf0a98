import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useRouter } from '../router.tsx';

/** The page's one h1, which also names the browser tab. */
export function PageHeading({ title }: { title: string }) {
  const { t } = useTranslation();
  const { navigationCount } = useRouter();
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    document.title = t('app.documentTitle', { page: title });
  }, [t, title]);

  // After a navigation the content the user was on is gone; focusing the new heading tells screen-reader and keyboard
  // users where they are. On the first load the browser's own start point is kept, so the skip link comes first.
  useEffect(() => {
    if (navigationCount > 0) heading.current?.focus();
  }, [navigationCount]);

  return (
    <h1 ref={heading} tabIndex={-1}>
      {title}
    </h1>
  );
}
