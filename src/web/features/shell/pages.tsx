import { useTranslation } from 'react-i18next';
import { PageHeading } from '../../components/PageHeading.tsx';
import { isolate } from '../../i18n/i18n.ts';
import { Link } from '../../router.tsx';
import type { PlaceholderId } from './modules.ts';

export function HomePage({ nodeName }: { nodeName: string }) {
  const { t } = useTranslation();
  return (
    <>
      <PageHeading title={t('home.title')} />
      <p>{t('home.intro', { nodeName: isolate(nodeName) })}</p>
      <p>{t('home.modules')}</p>
    </>
  );
}

export function ModulePage({ module }: { module: PlaceholderId }) {
  const { t } = useTranslation();
  return (
    <>
      <PageHeading title={t(`nav.${module}`)} />
      <p className="notice">{t('module.unavailable')}</p>
      <p>{t(`module.${module}`)}</p>
    </>
  );
}

export function NotFoundPage() {
  const { t } = useTranslation();
  return (
    <>
      <PageHeading title={t('notFound.title')} />
      <p>{t('notFound.body')}</p>
      <p>
        <Link to="/">{t('notFound.home')}</Link>
      </p>
    </>
  );
}
