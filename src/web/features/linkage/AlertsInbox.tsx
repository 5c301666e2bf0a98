import { useCallback, useId } from 'react';
import { useTranslation } from 'react-i18next';
import { SelectField } from '../../components/Field.tsx';
import { fieldText, useForm } from '../../components/useForm.tsx';
import { Loaded, useResource } from '../../components/useResource.tsx';
import { AlertTable } from './AlertTable.tsx';
import { ALERT_STATUSES, type AlertStatus, linkageApi } from './linkage-api.ts';

const isStatus = (value: string): value is AlertStatus => ALERT_STATUSES.some((status) => status === value);

/** Alerts on the cases of the user's agencies, newest first, open ones by default. */
export function AlertsInbox({
  status,
  onStatus,
}: {
  status: AlertStatus | undefined;
  onStatus(status: AlertStatus | undefined): void;
}) {
  const { t } = useTranslation();
  const ids = useId();
  const alerts = useResource(
    useCallback(() => linkageApi.alerts(status), [status]),
    { live: true },
  );
  const form = useForm(async (data) => {
    const chosen = fieldText(data, 'status');
    onStatus(isStatus(chosen) ? chosen : undefined);
  });
  return (
    <section aria-labelledby={`${ids}-title`} className="section">
      <h2 id={`${ids}-title`}>{t('linkage.inbox.title')}</h2>
      <p>{t('linkage.inbox.intro')}</p>
      <form className="form filters-form" noValidate aria-label={t('linkage.inbox.filter')} onSubmit={form.onSubmit}>
        <div className="filters">
          <SelectField label={t('linkage.alert.status')} name="status" defaultValue={status ?? ''}>
            <option value="">{t('linkage.inbox.anyStatus')}</option>
            {ALERT_STATUSES.map((value) => (
              <option key={value} value={value}>
                {t(`linkage.statuses.${value}`)}
              </option>
            ))}
          </SelectField>
        </div>
        <div className="actions">
          <button type="submit" className="button secondary">
            {t('linkage.inbox.apply')}
          </button>
        </div>
      </form>
      <Loaded resource={alerts}>
        {(rows) => (
          <>
            <p role="status" className="summary">
              {status
                ? t('linkage.inbox.countWithStatus', { count: rows.length, status: t(`linkage.statuses.${status}`) })
                : t('linkage.inbox.count', { count: rows.length })}
            </p>
            {rows.length > 0 && (
              <AlertTable alerts={rows} caption={t('linkage.inbox.caption', { count: rows.length })} withCase />
            )}
          </>
        )}
      </Loaded>
    </section>
  );
}
