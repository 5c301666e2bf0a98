import { useTranslation } from 'react-i18next';
import { ScrollingTable } from '../../components/ScrollingTable.tsx';
import { DATE, useDateFormat } from '../../i18n/format.ts';
import { Link } from '../../router.tsx';
import type { CaseSort, CaseSummary } from './cases-api.ts';

const DEFAULT_DIR: Record<CaseSort, 'asc' | 'desc'> = {
  lastActivity: 'desc',
  reference: 'asc',
  nextDeadline: 'asc',
  risk: 'desc',
};

interface CaseTableProps {
  rows: CaseSummary[];
  agencyName(id: string): string;
  sort: CaseSort;
  dir?: 'asc' | 'desc';
  onSort(sort: CaseSort, dir: 'asc' | 'desc'): void;
}

/** The case list's rows; the sortable columns sort by their header's button (aria-sort says the order). */
export function CaseTable({ rows, agencyName, sort, dir, onSort }: CaseTableProps) {
  const { t } = useTranslation();
  const formatDate = useDateFormat(DATE);
  const current = dir ?? DEFAULT_DIR[sort];
  const header = (column: CaseSort, text: string) => {
    const active = column === sort;
    const next = active ? (current === 'asc' ? 'desc' : 'asc') : DEFAULT_DIR[column];
    return (
      <th scope="col" aria-sort={active ? (current === 'asc' ? 'ascending' : 'descending') : undefined}>
        <button type="button" className="sort" onClick={() => onSort(column, next)}>
          {text}
          {active && <span aria-hidden="true">{current === 'asc' ? ' ▲' : ' ▼'}</span>}
        </button>
      </th>
    );
  };
  return (
    <ScrollingTable caption={t('caseList.caption', { count: rows.length })}>
      <thead>
        <tr>
          {header('reference', t('cases.reference'))}
          <th scope="col">{t('cases.stage')}</th>
          <th scope="col">{t('caseList.assignedTo')}</th>
          {header('risk', t('caseList.risk'))}
          {header('nextDeadline', t('caseList.nextDeadline'))}
          {header('lastActivity', t('caseList.lastActivity'))}
          <th scope="col">{t('caseList.referredBy')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.id}>
            <th scope="row" className="identifier">
              <Link to={`/cases/${encodeURIComponent(row.id)}`}>
                <bdi>{row.reference}</bdi>
              </Link>
              {row.label && (
                <>
                  <br />
                  <bdi className="case-label">{row.label}</bdi>
                </>
              )}
              {row.erased && <span className="tag">{t('cases.erased')}</span>}
            </th>
            <td>{t(`stages.${row.stage}`)}</td>
            <td>{row.assignedTo ? <bdi>{row.assignedTo.name}</bdi> : '—'}</td>
            <td>{row.risk ? t(`risk.levels.${row.risk}`) : t('caseList.notAssessed')}</td>
            <td>
              {row.nextDeadline ? (
                <>
                  {formatDate(row.nextDeadline.at)}
                  <br />
                  <span className="hint">{t(`caseList.deadlineKinds.${row.nextDeadline.kind}`)}</span>
                </>
              ) : (
                '—'
              )}
            </td>
            <td>{formatDate(row.lastActivity)}</td>
            <td>{row.referredBy ? <bdi>{row.referredBy}</bdi> : <bdi>{agencyName(row.agencyId)}</bdi>}</td>
          </tr>
        ))}
      </tbody>
    </ScrollingTable>
  );
}
