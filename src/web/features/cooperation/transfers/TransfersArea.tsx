import { useTranslation } from 'react-i18next';
import { PageHeading } from '../../../components/PageHeading.tsx';
import type { PartProps } from '../CooperationArea.tsx';

// Replaced by the transfers pages in this session's web work.
export function TransfersArea(_props: PartProps) {
  const { t } = useTranslation();
  return <PageHeading title={t('cooperation.parts.transfers.title')} />;
}
