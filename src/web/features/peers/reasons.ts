import { useTranslation } from 'react-i18next';
import { isMessageReason } from './peers-api.ts';

/** Why a message was refused or did not arrive, in words; a reason the page does not know is quoted as given. */
export function useReasonText(): (reason: string | null) => string {
  const { t } = useTranslation();
  return (reason) =>
    reason === null
      ? ''
      : isMessageReason(reason)
        ? t(`peers.reasons.${reason}`)
        : t('peers.reasons.other', { reason });
}
