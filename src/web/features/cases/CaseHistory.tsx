import type { TFunction } from 'i18next';
import { useCallback, useId } from 'react';
import { useTranslation } from 'react-i18next';
import { ScrollingTable } from '../../components/ScrollingTable.tsx';
import { Loaded, useResource } from '../../components/useResource.tsx';
import { DATE_TIME, useDateFormat, useListFormat } from '../../i18n/format.ts';
import { casesApi, type StageSpan } from './cases-api.ts';
import { useFieldLabel } from './FieldValues.tsx';
import { type TimelineEvent, useEventDescription } from './timeline-events.ts';
import { isPurpose } from './vocabulary.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** A time span in the largest unit that says something: minutes, hours or days. */
function useDuration(): (ms: number) => string {
  const { t } = useTranslation();
  return (ms) => {
    if (ms >= DAY) return t('duration.days', { count: Math.floor(ms / DAY) });
    if (ms >= HOUR) return t('duration.hours', { count: Math.floor(ms / HOUR) });
    if (ms >= MINUTE) return t('duration.minutes', { count: Math.floor(ms / MINUTE) });
    return t('duration.underMinute');
  };
}

/** Every event of the case, oldest first, as a sentence; reasons and comments in the words they were given. */
export function Timeline({ caseId, revision, actorName, agencyName }: TimelineProps) {
  const { t } = useTranslation();
  const ids = useId();
  const formatTime = useDateFormat(DATE_TIME);
  const describeEvent = useEventDescription(agencyName);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new revision of the case means new events to load.
  const events = useResource(useCallback(() => casesApi.timeline(caseId), [caseId, revision]));
  return (
    <section id="timeline" aria-labelledby={`${ids}-title`} className="section">
      <h2 id={`${ids}-title`}>{t('timeline.title')}</h2>
      <Loaded resource={events}>
        {(list) => (
          <ol className="timeline">
            {list.map((event) => {
              const { text, quote } = describeEvent(event as TimelineEvent);
              return (
                <li key={event.seq}>
                  <p className="event-meta">
                    <time dateTime={event.at}>{formatTime(event.at)}</time> · {actorName(event.actor)}
                  </p>
                  <p className="event-text">{text}</p>
                  {quote && <blockquote>{quote}</blockquote>}
                </li>
              );
            })}
          </ol>
        )}
      </Loaded>
    </section>
  );
}

interface TimelineProps {
  caseId: string;
  revision: number;
  actorName(actor: string): string;
  agencyName(id: string): string;
}

/** How long the case spent in each stage, the current one up to now. */
export function StageTimes({ spans }: { spans: StageSpan[] }) {
  const { t } = useTranslation();
  const ids = useId();
  const formatTime = useDateFormat(DATE_TIME);
  const duration = useDuration();
  return (
    <section id="stage-times" aria-labelledby={`${ids}-title`} className="section">
      <h2 id={`${ids}-title`}>{t('stageTimes.title')}</h2>
      <ScrollingTable caption={t('stageTimes.caption')}>
        <thead>
          <tr>
            <th scope="col">{t('cases.stage')}</th>
            <th scope="col">{t('stageTimes.entered')}</th>
            <th scope="col">{t('stageTimes.left')}</th>
            <th scope="col">{t('stageTimes.duration')}</th>
          </tr>
        </thead>
        <tbody>
          {spans.map((span) => (
            <tr key={span.enteredAt}>
              <th scope="row">{t(`stages.${span.stage}`)}</th>
              <td>
                <time dateTime={span.enteredAt}>{formatTime(span.enteredAt)}</time>
              </td>
              <td>
                {span.leftAt ? <time dateTime={span.leftAt}>{formatTime(span.leftAt)}</time> : t('stageTimes.current')}
              </td>
              <td>{duration(span.durationMs)}</td>
            </tr>
          ))}
        </tbody>
      </ScrollingTable>
    </section>
  );
}

/** Every view, share and export of the survivor's identity: who, from which agency, why, and which fields. */
export function DisclosureLog({ caseId, revision, actorName, agencyName }: DisclosureLogProps) {
  const { t } = useTranslation();
  const ids = useId();
  const formatTime = useDateFormat(DATE_TIME);
  const label = useFieldLabel();
  const list = useListFormat();
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new revision of the case may mean a new disclosure.
  const log = useResource(useCallback(() => casesApi.disclosures(caseId), [caseId, revision]));
  return (
    <section id="disclosures" aria-labelledby={`${ids}-title`} className="section">
      <h2 id={`${ids}-title`}>{t('disclosures.title')}</h2>
      <p>{t('disclosures.intro')}</p>
      <Loaded resource={log}>
        {(entries) =>
          entries.length === 0 ? (
            <p>{t('disclosures.none')}</p>
          ) : (
            <ScrollingTable caption={t('disclosures.caption', { count: entries.length })}>
              <thead>
                <tr>
                  <th scope="col">{t('audit.time')}</th>
                  <th scope="col">{t('disclosures.who')}</th>
                  <th scope="col">{t('disclosures.kind')}</th>
                  <th scope="col">{t('audit.purposeColumn')}</th>
                  <th scope="col">{t('disclosures.fields')}</th>
                </tr>
              </thead>
              <tbody>
                {entries.map((entry) => (
                  <tr key={entry.seq}>
                    <td>
                      <time dateTime={entry.at}>{formatTime(entry.at)}</time>
                    </td>
                    <td>
                      {actorName(entry.actor)}
                      {entry.agencyId && (
                        <>
                          <br />
                          <bdi>{agencyName(entry.agencyId)}</bdi>
                        </>
                      )}
                    </td>
                    <td>
                      {t(`disclosures.kinds.${entry.kind}`)}
                      {entry.recipient && (
                        <>
                          {' → '}
                          <bdi>{entry.recipient}</bdi>
                        </>
                      )}
                      {entry.confirmation && (
                        <span className="hint block">{t('sharing.confirmedBy', { id: entry.confirmation })}</span>
                      )}
                    </td>
                    <td>{purposeLabel(t, entry.purpose)}</td>
                    <td>{list(entry.fields.map(label))}</td>
                  </tr>
                ))}
              </tbody>
            </ScrollingTable>
          )
        }
      </Loaded>
    </section>
  );
}

interface DisclosureLogProps {
  caseId: string;
  revision: number;
  actorName(actor: string): string;
  agencyName(id: string): string;
}

/** The log keeps the purpose as the server named it; a purpose the app does not know shows as recorded. */
function purposeLabel(t: TFunction, purpose: string): string {
  return isPurpose(purpose) ? t(`purposes.${purpose}`) : purpose;
}
