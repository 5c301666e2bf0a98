import { type ReactNode, useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { ScrollingTable } from '../../components/ScrollingTable.tsx';
import { Loaded, useResource } from '../../components/useResource.tsx';
import { DATE_TIME, useDateFormat } from '../../i18n/format.ts';
import { isPurpose } from '../cases/vocabulary.ts';
import { type CustodyEvent, type EvidenceItem, evidenceApi, shortHash, TRANSFORMATIONS } from './evidence-api.ts';

interface CustodyTimelineProps {
  item: EvidenceItem;
  actorName(actor: string): string;
}

/**
 * Every custody event of one item, oldest first, with the index of its entry in the node's custody log: the number
 * that an evidence package's inclusion proof refers to.
 */
export function CustodyTimeline({ item, actorName }: CustodyTimelineProps) {
  const { t } = useTranslation();
  const formatTime = useDateFormat(DATE_TIME);
  const describeReason = useReason();
  // Loaded each time the history is opened, so that it includes the downloads made since.
  const events = useResource(useCallback(() => evidenceApi.custody(item.id), [item.id]));

  return (
    <Loaded resource={events}>
      {(list) => (
        <ScrollingTable caption={t('evidence.custody.caption', { title: item.title, count: list.length })}>
          <thead>
            <tr>
              <th scope="col">{t('evidence.custody.index')}</th>
              <th scope="col">{t('evidence.custody.event')}</th>
              <th scope="col">{t('evidence.custody.time')}</th>
              <th scope="col">{t('evidence.custody.actor')}</th>
              <th scope="col">{t('evidence.custody.reason')}</th>
            </tr>
          </thead>
          <tbody>
            {list.map((event) => (
              <tr key={event.index}>
                <td>{event.index}</td>
                <th scope="row">{t(`evidence.events.${event.event}`)}</th>
                <td>
                  <time dateTime={event.at}>{formatTime(event.at)}</time>
                </td>
                <td>
                  <bdi>{event.actor === 'console' ? t('evidence.custody.console') : actorName(event.actor)}</bdi>
                </td>
                <td>{describeReason(event)}</td>
              </tr>
            ))}
          </tbody>
        </ScrollingTable>
      )}
    </Loaded>
  );
}

const DERIVATION = new RegExp(`^(${TRANSFORMATIONS.join('|')}) of ([0-9a-f]{64})$`);

/**
 * A custody reason as the node writes it: a purpose for an access, "<transformation> of <sha256>" for a working copy,
 * else the text as it is (the log never holds personal data, only references and fixed phrases).
 */
function useReason(): (event: CustodyEvent) => ReactNode {
  const { t } = useTranslation();
  return (event) => {
    const reason = event.reason;
    if (reason === null) return '—';
    if (isPurpose(reason)) return t(`purposes.${reason}`);
    const derived = DERIVATION.exec(reason);
    if (derived) {
      const [, transformation, hash] = derived as unknown as [string, (typeof TRANSFORMATIONS)[number], string];
      return (
        <>
          {t('evidence.custody.derivedFrom', { transformation: t(`evidence.transformations.${transformation}`) })}{' '}
          <code dir="ltr" title={hash}>
            {shortHash(hash)}
          </code>
        </>
      );
    }
    return <bdi>{reason}</bdi>;
  };
}
