import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SessionUser } from '../../api.ts';
import { PageHeading } from '../../components/PageHeading.tsx';
import { useRouter } from '../../router.tsx';
import { agenciesWhere, allows } from '../cases/vocabulary.ts';
import { NotFoundPage } from '../shell/pages.tsx';
import { AlertPage } from './AlertPage.tsx';
import { AlertsInbox } from './AlertsInbox.tsx';
import { GroupsSection } from './GroupsSection.tsx';
import type { AlertStatus } from './linkage-api.ts';

/** Whether the user reads linkage alerts in some agency: case workers, supervisors and investigators. */
export function readsAlerts(user: SessionUser): boolean {
  const agencies = agenciesWhere(user, 'linkage.alert_read');
  return agencies === null || agencies.length > 0;
}

/** Whether the user sees the node's linkage groups: its administrators and coordinators. */
export const readsGroups = (user: SessionUser) => allows(user, 'linkage.read', null);

/**
 * Linkage across nodes: `/linkage` holds the alerts inbox (for those who work cases) and the node's linkage groups
 * (for its administrators and coordinators); `/linkage/alerts/<id>` reviews one alert.
 */
export function LinkageArea({ user, nodeId }: { user: SessionUser; nodeId: string }) {
  const { t } = useTranslation();
  const rest = useRouter().path.slice('/linkage'.length);
  // Kept here, so that the inbox comes back as it was left after reviewing an alert.
  const [status, setStatus] = useState<AlertStatus | undefined>('open');
  const alerts = readsAlerts(user);
  if (rest === '' || rest === '/') {
    return (
      <>
        <PageHeading title={t('nav.linkage')} />
        <p>{t('linkage.intro')}</p>
        {alerts && <AlertsInbox status={status} onStatus={setStatus} />}
        {readsGroups(user) && <GroupsSection user={user} nodeId={nodeId} />}
      </>
    );
  }
  const [, part, id = '', ...deeper] = rest.split('/');
  if (part === 'alerts' && id && deeper.length === 0 && alerts) {
    const alertId = decodeURIComponent(id);
    return <AlertPage key={alertId} id={alertId} user={user} />;
  }
  return <NotFoundPage />;
}
