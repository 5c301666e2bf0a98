import { useTranslation } from 'react-i18next';
import { ScrollingTable } from '../../../components/ScrollingTable.tsx';
import { DATE, DATE_TIME, useDateFormat } from '../../../i18n/format.ts';
import type { Clock } from './mla-api.ts';

/** How far a clock is from its due date, in words: days left, days overdue, or met. */
export function useClockText(): (clock: Clock) => string {
  const { t } = useTranslation();
  return (clock) => {
    switch (clock.state) {
      case 'running':
      case 'approaching':
        return t('cooperation.mla.clock.left', { count: clock.daysLeft });
      case 'breached':
        return t('cooperation.mla.clock.overdue', { count: Math.max(1, -clock.daysLeft) });
      case 'met':
        return t('cooperation.mla.clock.met');
      case 'met_late':
        return t('cooperation.mla.clock.metLate', { count: Math.max(1, -clock.daysLeft) });
    }
  };
}

/**
 * A clock's standing. A breached or approaching clock says so in words as well as in colour, so that no one has to
 * tell colours apart to see it. A due date missed before an extension or a postponement stays on show: the breach is
 * not undone by moving the date.
 */
export function ClockStatus({ clock }: { clock: Clock }) {
  const { t } = useTranslation();
  const text = useClockText();
  const formatDate = useDateFormat(DATE);
  const missed = clock.breach?.dueMoved ? clock.breach : null;
  const className =
    clock.state === 'breached' ? 'outcome-failure' : clock.state === 'approaching' ? 'warning' : undefined;
  return (
    <span className={className}>
      {(clock.state === 'breached' || clock.state === 'approaching') && (
        <>
          <span className="tag">{t(`cooperation.mla.clock.states.${clock.state}`)}</span>{' '}
        </>
      )}
      {missed && (
        <>
          <span className="tag outcome-failure">{t('cooperation.mla.clock.states.missed')}</span>{' '}
          {t('cooperation.mla.clock.breachMoved', { count: missed.days, date: formatDate(missed.at) })}
          {' · '}
        </>
      )}
      {text(clock)}
    </span>
  );
}

/** The clocks of a request in a list row: each named, with its standing. */
export function ClockList({ clocks }: { clocks: Clock[] }) {
  const { t } = useTranslation();
  if (clocks.length === 0) return <>{t('cooperation.mla.clock.none')}</>;
  return (
    <ul className="plain">
      {clocks.map((clock) => (
        <li key={clock.name}>
          {t(`cooperation.mla.clock.names.${clock.name}`)}: <ClockStatus clock={clock} />
        </li>
      ))}
    </ul>
  );
}

/** The statutory clocks of one request, with when each started and is due. */
export function ClocksTable({ clocks }: { clocks: Clock[] }) {
  const { t } = useTranslation();
  const formatTime = useDateFormat(DATE_TIME);
  return (
    <ScrollingTable caption={t('cooperation.mla.clock.caption')}>
      <thead>
        <tr>
          <th scope="col">{t('cooperation.mla.clock.name')}</th>
          <th scope="col">{t('cooperation.mla.clock.started')}</th>
          <th scope="col">{t('cooperation.mla.clock.due')}</th>
          <th scope="col">{t('cooperation.mla.clock.status')}</th>
        </tr>
      </thead>
      <tbody>
        {clocks.map((clock) => (
          <tr key={clock.name}>
            <th scope="row">{t(`cooperation.mla.clock.names.${clock.name}`)}</th>
            <td>
              <time dateTime={clock.startedAt}>{formatTime(clock.startedAt)}</time>
            </td>
            <td>
              <time dateTime={clock.due}>{formatTime(clock.due)}</time>
            </td>
            <td>
              <ClockStatus clock={clock} />
            </td>
          </tr>
        ))}
      </tbody>
    </ScrollingTable>
  );
}
