import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { HandlingSummary } from '../../../components/Handling.tsx';
import { DATE_TIME, useDateFormat, useListFormat } from '../../../i18n/format.ts';
import { isolate } from '../../../i18n/i18n.ts';
import { Day, NodeId } from './JitFacts.tsx';
import type { JitEntry, JitSpace } from './jit-api.ts';

/**
 * Every entry of the shared space, oldest first, the same on every party: who wrote it (person, agency, node), when,
 * and what it says.
 */
export function JitTimeline({ space, ownNode }: { space: JitSpace; ownNode: string | null }) {
  const { t } = useTranslation();
  const ids = useId();
  const formatTime = useDateFormat(DATE_TIME);
  return (
    <section aria-labelledby={`${ids}-title`} className="section">
      <h2 id={`${ids}-title`}>{t('cooperation.jit.timeline.title')}</h2>
      {space.timeline.length === 0 ? (
        <p>{t('cooperation.jit.timeline.none')}</p>
      ) : (
        <ol className="timeline" aria-label={t('cooperation.jit.timeline.label', { count: space.timeline.length })}>
          {space.timeline.map((entry) => (
            <li key={entry.id}>
              <p className="event-meta">
                <time dateTime={entry.at}>{formatTime(entry.at)}</time> · <bdi>{entry.author.name}</bdi>
                {entry.author.agency && (
                  <>
                    {' '}
                    (<bdi>{entry.author.agency}</bdi>)
                  </>
                )}{' '}
                · <NodeId id={entry.node} />
                {entry.node === ownNode && <span className="hint"> {t('cooperation.jit.thisNode')}</span>} ·{' '}
                <HandlingSummary handling={entry} />
              </p>
              <EntryText entry={entry} space={space} />
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

function EntryText({ entry, space }: { entry: JitEntry; space: JitSpace }) {
  const { t } = useTranslation();
  const list = useListFormat();
  switch (entry.kind) {
    case 'message':
      return (
        <>
          <p className="event-text">{t('cooperation.jit.timeline.message')}</p>
          <blockquote>{entry.data.text}</blockquote>
        </>
      );
    case 'task':
      return (
        <>
          <p className="event-text">{t('cooperation.jit.timeline.task', { title: isolate(entry.data.title) })}</p>
          {(entry.data.assignedNode || entry.data.due) && (
            <p className="hint">
              {entry.data.assignedNode && (
                <>
                  {t('cooperation.jit.tasks.assignedNode')}: <NodeId id={entry.data.assignedNode} />{' '}
                </>
              )}
              {entry.data.due && (
                <>
                  {t('cooperation.jit.tasks.due')}: <Day value={entry.data.due} />
                </>
              )}
            </p>
          )}
        </>
      );
    case 'task_done': {
      const task = space.tasks.find((candidate) => candidate.id === entry.data.taskId);
      return (
        <p className="event-text">
          {task
            ? t('cooperation.jit.timeline.taskDone', { title: isolate(task.title) })
            : t('cooperation.jit.timeline.unknownTaskDone')}
        </p>
      );
    }
    case 'member':
      return (
        <p className="event-text">{t('cooperation.jit.timeline.member', { agency: isolate(entry.data.agency) })}</p>
      );
    case 'evidence':
      return (
        <>
          <p className="event-text">
            {t('cooperation.jit.timeline.evidence', { count: entry.data.count, to: isolate(entry.data.to) })}
          </p>
          {entry.data.files.length > 0 && <p className="hint">{list(entry.data.files)}</p>}
        </>
      );
  }
}
