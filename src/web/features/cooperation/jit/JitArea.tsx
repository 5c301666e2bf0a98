import { useTranslation } from 'react-i18next';
import { PageHeading } from '../../../components/PageHeading.tsx';
import type { PartProps } from '../CooperationArea.tsx';

// Replaced by the jit pages in this session's web work.
export function JitArea(_props: PartProps) {
  const { t } = useTranslation();
  return <PageHeading title={t('cooperation.parts.jit.title')} />;
}
