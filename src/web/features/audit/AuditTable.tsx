import { useTranslation } from 'react-i18next';
import type { AuditRecord } from '../../api.ts';
import { ScrollingTable } from '../../components/ScrollingTable.tsx';
import { DATE_TIME, useDateFormat } from '../../i18n/format.ts';

/** Records as the trail keeps them; actors and resources are the node's references (`user:…`, `agency:…`). */
export function AuditTable({ records }: { records: AuditRecord[] }) {
  const { t } = useTranslation();
  const formatTime = useDateFormat(DATE_TIME);
  return (
    <ScrollingTable caption={t('audit.caption', { count: records.length })}>
      <thead>
        <tr>
          <th scope="col">{t('audit.seq')}</th>
          <th scope="col">{t('audit.time')}</th>
          <th scope="col">{t('audit.actor')}</th>
          <th scope="col">{t('audit.action')}</th>
          <th scope="col">{t('audit.resource')}</th>
          <th scope="col">{t('audit.purposeColumn')}</th>
          <th scope="col">{t('audit.outcome')}</th>
        </tr>
      </thead>
      <tbody>
        {records.map((record) => (
          <tr key={record.seq}>
            <th scope="row">{record.seq}</th>
            <td>
              <time dateTime={record.at}>{formatTime(record.at)}</time>
            </td>
            <td className="identifier">
              <bdi>{record.actor}</bdi>
            </td>
            <td className="identifier">
              <bdi>{record.action}</bdi>
            </td>
            <td className="identifier">
              {record.resource ? <bdi>{record.resource}</bdi> : '—'}
              <ShownRecords ids={record.resources} />
            </td>
            <td>{record.purpose ? t(`purposes.${record.purpose}`) : '—'}</td>
            <td className={`outcome-${record.outcome}`}>
              {t(`outcomes.${record.outcome}`)}
              {record.omitted ? ` ${t('audit.omitted', { count: record.omitted })}` : null}
            </td>
          </tr>
        ))}
      </tbody>
    </ScrollingTable>
  );
}

/** The records a list read showed (or the ids a refusal asked for), folded: a list can name hundreds. */
function ShownRecords({ ids }: { ids: string[] | null }) {
  const { t } = useTranslation();
  if (!ids || ids.length === 0) return null;
  return (
    <details>
      <summary>{t('audit.recordsShown', { count: ids.length })}</summary>
      <ul>
        {ids.map((id) => (
          <li key={id}>
            <bdi>{id}</bdi>
          </li>
        ))}
      </ul>
    </details>
  );
}
