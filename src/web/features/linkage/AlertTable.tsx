import { useTranslation } from 'react-i18next';
import { ScrollingTable } from '../../components/ScrollingTable.tsx';
import { DATE, useDateFormat } from '../../i18n/format.ts';
import { Link } from '../../router.tsx';
import { type AlertKind, alertPagePath, type LinkageAlert } from './linkage-api.ts';

/** How a score reads: the Dice coefficient of the encodings, two decimals, in the user's language. */
export function useScoreFormat(): (score: number) => string {
  const { i18n } = useTranslation();
  const format = new Intl.NumberFormat(i18n.language, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return (score) => format.format(score);
}

/** A schema version is a SHA-256; its first twelve hex digits tell versions apart on screen. */
export const shortVersion = (version: string) => version.slice(0, 12);

export function useKindLabel(): (kind: AlertKind) => string {
  const { t } = useTranslation();
  return (kind) => t(`linkage.kinds.${kind}`);
}

/**
 * Linkage alerts: what matched, how closely, under which schema, and the other node's pseudonymous reference. The
 * table holds no name: the node never has one from the other side.
 */
export function AlertTable({
  alerts,
  caption,
  withCase = false,
}: {
  alerts: LinkageAlert[];
  caption: string;
  withCase?: boolean;
}) {
  const { t } = useTranslation();
  const formatDate = useDateFormat(DATE);
  const formatScore = useScoreFormat();
  const kindLabel = useKindLabel();
  return (
    <ScrollingTable caption={caption}>
      <thead>
        <tr>
          <th scope="col">{t('linkage.alert.kind')}</th>
          {withCase && <th scope="col">{t('linkage.alert.case')}</th>}
          <th scope="col">{t('linkage.alert.recordKind')}</th>
          <th scope="col">{t('linkage.alert.score')}</th>
          <th scope="col">{t('linkage.alert.otherNode')}</th>
          <th scope="col">{t('linkage.alert.otherRef')}</th>
          <th scope="col">{t('linkage.alert.schemaVersion')}</th>
          <th scope="col">{t('linkage.alert.status')}</th>
          <th scope="col">{t('linkage.alert.raised')}</th>
          <th scope="col">{t('linkage.alert.actions')}</th>
        </tr>
      </thead>
      <tbody>
        {alerts.map((alert) => (
          <tr key={alert.id}>
            <th scope="row">{kindLabel(alert.kind)}</th>
            {withCase && (
              <td>
                <Link to={`/cases/${encodeURIComponent(alert.caseId)}`}>
                  <span className="identifier">{alert.caseReference}</span>
                </Link>
              </td>
            )}
            <td>{t(`linkage.recordKinds.${alert.recordKind}`)}</td>
            <td>{formatScore(alert.score)}</td>
            <td className="identifier node-id">{alert.otherNode}</td>
            <td>
              <code dir="ltr">{alert.otherRef}</code>
            </td>
            <td>
              <code dir="ltr" title={alert.schemaVersion}>
                {shortVersion(alert.schemaVersion)}
              </code>
            </td>
            <td>{t(`linkage.statuses.${alert.status}`)}</td>
            <td>{formatDate(alert.createdAt)}</td>
            <td>
              <Link to={alertPagePath(alert.id)}>
                {alert.status === 'open' ? t('linkage.alert.review') : t('linkage.alert.details')}
                <span className="visually-hidden">
                  {' '}
                  {t('linkage.alert.reviewContext', { node: alert.otherNode, ref: alert.otherRef })}
                </span>
              </Link>
            </td>
          </tr>
        ))}
      </tbody>
    </ScrollingTable>
  );
}
