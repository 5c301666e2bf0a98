import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { AUDIT_PURPOSES, type AuditPurpose, type AuditQuery, type AuditRecord, api } from '../../api.ts';
import { TextField } from '../../components/Field.tsx';
import { FormProblem, fieldText, useForm } from '../../components/useForm.tsx';

const FILTERS = ['action', 'actor', 'resource'] as const;

/** The purpose is asked for every time and never preselected: the node records it as the reason for reading. */
export function AuditQueryForm({ onResults }: { onResults(query: AuditQuery, records: AuditRecord[]): void }) {
  const { t } = useTranslation();
  const ids = useId();
  const form = useForm(async (data) => {
    const purpose = fieldText(data, 'purpose') as AuditPurpose | '';
    if (!purpose) throw new FormProblem('purpose_missing', 'purpose');
    const query: AuditQuery = { purpose };
    for (const name of FILTERS) {
      const value = fieldText(data, name);
      if (value) query[name] = value;
    }
    onResults(query, await api.audit(query));
  });
  const purposeError = form.errorFor('purpose');

  return (
    <form className="form" noValidate aria-labelledby={`${ids}-title`} onSubmit={form.onSubmit}>
      <h2 id={`${ids}-title`}>{t('audit.queryTitle')}</h2>
      {form.error}
      <fieldset className="choices">
        <legend>{t('audit.purpose')}</legend>
        <p id={`${ids}-purpose-hint`} className="hint">
          {t('audit.purposeHint')}
        </p>
        {AUDIT_PURPOSES.map((purpose) => (
          <label key={purpose} className="choice">
            <input
              type="radio"
              name="purpose"
              value={purpose}
              required
              aria-invalid={purposeError ? true : undefined}
              aria-describedby={[purposeError, `${ids}-purpose-hint`].filter(Boolean).join(' ')}
            />
            {t(`purposes.${purpose}`)}
          </label>
        ))}
      </fieldset>
      <fieldset className="filters">
        <legend>{t('audit.filters')}</legend>
        <TextField label={t('audit.action')} hint={t('audit.actionHint')} name="action" autoComplete="off" />
        <TextField label={t('audit.actor')} hint={t('audit.actorHint')} name="actor" autoComplete="off" />
        <TextField label={t('audit.resource')} hint={t('audit.resourceHint')} name="resource" autoComplete="off" />
      </fieldset>
      <button type="submit" className="button" aria-disabled={form.pending}>
        {form.pending ? t('audit.searching') : t('audit.search')}
      </button>
    </form>
  );
}
