import { useCallback, useId } from 'react';
import { useTranslation } from 'react-i18next';
import { Loaded, useResource } from '../../components/useResource.tsx';
import { MessagesTable } from './MessageHistory.tsx';
import { peersApi } from './peers-api.ts';

/**
 * On a case page: the signed messages exchanged with other nodes about the case (its referrals, MLA requests and
 * evidence transfers), each with its outcome and whether the other node's signed receipt is held. Nothing for a case
 * that never left this node.
 */
export function CaseMessages({ caseId, revision }: { caseId: string; revision: number }) {
  const { t } = useTranslation();
  const ids = useId();
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new revision of the case may mean a new message.
  const messages = useResource(useCallback(() => peersApi.caseMessages(caseId), [caseId, revision]));
  // Nothing while loading either: most cases never leave the node, and the page should not jump for them.
  if (!messages.error && !messages.data?.length) return null;
  return (
    <section aria-labelledby={`${ids}-title`} className="section">
      <h2 id={`${ids}-title`}>{t('peers.caseMessages.title')}</h2>
      <p>{t('peers.caseMessages.intro')}</p>
      <Loaded resource={messages}>{(list) => <MessagesTable messages={list} />}</Loaded>
    </section>
  );
}
