import { useCallback, useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { SessionUser } from '../../api.ts';
import { Loaded, useResource } from '../../components/useResource.tsx';
import { allowsOnCase } from '../cases/vocabulary.ts';
import { AlertTable } from './AlertTable.tsx';
import { linkageApi } from './linkage-api.ts';

/** On a case page: the linkage alerts on the case, each leading to its review. Nothing for those who may not read them. */
export function CaseLinkageAlerts({ found, user }: { found: { id: string; agencyId: string }; user: SessionUser }) {
  return allowsOnCase(user, 'linkage.alert_read', found) ? <AlertsOfCase caseId={found.id} /> : null;
}

function AlertsOfCase({ caseId }: { caseId: string }) {
  const { t } = useTranslation();
  const ids = useId();
  const alerts = useResource(useCallback(() => linkageApi.caseAlerts(caseId), [caseId]));
  return (
    <section id="linkage" aria-labelledby={`${ids}-title`} className="section">
      <h2 id={`${ids}-title`}>{t('linkage.case.title')}</h2>
      <p>{t('linkage.case.intro')}</p>
      <Loaded resource={alerts}>
        {(rows) =>
          rows.length === 0 ? (
            <p>{t('linkage.case.none')}</p>
          ) : (
            <AlertTable alerts={rows} caption={t('linkage.case.caption', { count: rows.length })} />
          )
        }
      </Loaded>
    </section>
  );
}
