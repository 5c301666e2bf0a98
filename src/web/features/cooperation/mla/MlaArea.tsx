import { useTranslation } from 'react-i18next';
import { PageHeading } from '../../../components/PageHeading.tsx';
import type { PartProps } from '../CooperationArea.tsx';

// Replaced by the mla pages in this session's web work.
export function MlaArea(_props: PartProps) {
  const { t } = useTranslation();
  return <PageHeading title={t('cooperation.parts.mla.title')} />;
}
