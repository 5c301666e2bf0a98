import { useCallback, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isMessageType, messageTypeKey } from '../../../shared/message-types.ts';
import { SelectField } from '../../components/Field.tsx';
import { ScrollingTable } from '../../components/ScrollingTable.tsx';
import { Loaded, useResource } from '../../components/useResource.tsx';
import { DATE_TIME, useDateFormat } from '../../i18n/format.ts';
import { type FederationMessage, HISTORY_LIMIT, type Peer, peersApi } from './peers-api.ts';
import { useReasonText } from './reasons.ts';

interface MessageHistoryProps {
  /** The peers to filter by. */
  peers: Peer[];
  /** Changes when this page sent a message, so that the history shows it. */
  exchanges: number;
}

/** The latest signed messages exchanged with peers, each with its outcome and whether its signed receipt is held. */
export function MessageHistory({ peers, exchanges }: MessageHistoryProps) {
  const { t } = useTranslation();
  const ids = useId();
  const [peer, setPeer] = useState<string | null>(null);
  const messages = useResource(useCallback(() => peersApi.messages(peer), [peer]));
  const { reload } = messages;

  useEffect(() => {
    if (exchanges > 0) reload();
  }, [exchanges, reload]);

  // A removed peer's messages stay in the history; the filter keeps offering the peer chosen.
  const nodeIds = peers.map((known) => known.nodeId);
  if (peer && !nodeIds.includes(peer)) nodeIds.push(peer);

  return (
    <section aria-labelledby={`${ids}-title`} className="section">
      <h2 id={`${ids}-title`}>{t('peers.history.title')}</h2>
      <p>{t('peers.history.intro', { count: HISTORY_LIMIT })}</p>
      <div className="history-filter">
        <SelectField
          label={t('peers.history.filter')}
          name="peer"
          value={peer ?? ''}
          onChange={(event) => setPeer(event.target.value || null)}
        >
          <option value="">{t('peers.history.allPeers')}</option>
          {nodeIds.map((nodeId) => {
            const name = peers.find((known) => known.nodeId === nodeId)?.name;
            return (
              <option key={nodeId} value={nodeId}>
                {name ? `${name} (${nodeId})` : nodeId}
              </option>
            );
          })}
        </SelectField>
        <button type="button" className="button secondary" onClick={reload}>
          {t('peers.history.reload')}
        </button>
      </div>
      <Loaded resource={messages}>
        {(list) => (list.length === 0 ? <p>{t('peers.history.none')}</p> : <MessagesTable messages={list} />)}
      </Loaded>
    </section>
  );
}

/** Messages with their direction, peer, type, outcome and whether the signed receipt is held; newest first. */
export function MessagesTable({ messages }: { messages: FederationMessage[] }) {
  const { t } = useTranslation();
  const formatTime = useDateFormat(DATE_TIME);
  const reasonText = useReasonText();
  return (
    <ScrollingTable caption={t('peers.history.caption', { count: messages.length })}>
      <thead>
        <tr>
          <th scope="col">{t('peers.history.direction')}</th>
          <th scope="col">{t('peers.history.peer')}</th>
          <th scope="col">{t('peers.history.type')}</th>
          <th scope="col">{t('peers.history.sentAt')}</th>
          <th scope="col">{t('peers.history.status')}</th>
          <th scope="col">{t('peers.history.reason')}</th>
          <th scope="col">{t('peers.history.receipt')}</th>
        </tr>
      </thead>
      <tbody>
        {messages.map((message) => (
          <tr key={`${message.direction}:${message.peer}:${message.id}`}>
            <th scope="row">{t(`peers.history.${message.direction}`)}</th>
            <td>
              {message.peerName ? (
                <>
                  <bdi>{message.peerName}</bdi>
                  <br />
                  <span className="identifier node-id hint">{message.peer}</span>
                </>
              ) : (
                <span className="identifier node-id">{message.peer}</span>
              )}
            </td>
            <td>
              {isMessageType(message.type) ? t(messageTypeKey(message.type) as never) : message.type}
              <br />
              <span className="identifier hint">{message.type}</span>
            </td>
            <td>
              <time dateTime={message.sentAt}>{formatTime(message.sentAt)}</time>
            </td>
            <td className={message.status === 'rejected' || message.status === 'dead' ? 'outcome-failure' : undefined}>
              {t(`peers.history.statuses.${message.status}`)}
              {message.status === 'queued' && message.attempts > 0 && message.nextAttemptAt && (
                <span className="hint">
                  {' '}
                  {t('peers.history.queuedDetail', {
                    count: message.attempts,
                    date: formatTime(message.nextAttemptAt),
                  })}
                </span>
              )}
            </td>
            {/* A message still waiting shows why its last attempt failed. */}
            <td>{reasonText(message.reason ?? message.lastError) || '—'}</td>
            <td>
              {message.receipt && message.receiptAt
                ? t('peers.history.receiptHeld', { date: formatTime(message.receiptAt) })
                : message.receipt
                  ? t('peers.history.receiptYes')
                  : t('peers.history.receiptNone')}
            </td>
          </tr>
        ))}
      </tbody>
    </ScrollingTable>
  );
}
