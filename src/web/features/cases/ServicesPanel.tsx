import { useCallback, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Agency, SessionUser } from '../../api.ts';
import { type ErrorId, ErrorMessage, errorIdOf } from '../../components/ErrorMessage.tsx';
import { SelectField, TextAreaField, TextField } from '../../components/Field.tsx';
import { ScrollingTable } from '../../components/ScrollingTable.tsx';
import { FormProblem, fieldText, useForm } from '../../components/useForm.tsx';
import { Loaded, useResource } from '../../components/useResource.tsx';
import { DAY, useDateFormat } from '../../i18n/format.ts';
import { careApi, type SupportPlan } from './care-api.ts';
import { asFormProblem, type Case } from './cases-api.ts';
import { Opener } from './Opener.tsx';
import { allowsOnCase, SERVICE_TYPES, useLanguageName, useLanguageOptions, useServiceTypeLabel } from './vocabulary.ts';

type Status = SupportPlan['status'];

/** The moves a service makes: planned → active → completed, or cancelled on the way (as the server allows). */
const NEXT: Record<Status, readonly Exclude<Status, 'planned'>[]> = {
  planned: ['active', 'cancelled'],
  active: ['completed', 'cancelled'],
  completed: [],
  cancelled: [],
};

interface ServicesPanelProps {
  found: Case;
  user: SessionUser;
  agencies: Agency[];
  revision: number;
  onChanged(): void;
}

/** The support the survivor receives: what was planned, who provides it, and how far it has got. */
export function ServicesPanel({ found, user, agencies, revision, onChanged }: ServicesPanelProps) {
  const { t } = useTranslation();
  const ids = useId();
  const typeLabel = useServiceTypeLabel();
  const languageName = useLanguageName();
  const formatDay = useDateFormat(DAY);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new revision of the case may mean a changed service.
  const services = useResource(useCallback(() => careApi.services(found.id), [found.id, revision]));
  const canPlan = allowsOnCase(user, 'service.plan', found);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<ErrorId | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const agencyName = (id: string | null) => (id ? (agencies.find((a) => a.id === id)?.name ?? id) : '—');

  const move = async (plan: SupportPlan, status: Status) => {
    if (busy) return;
    setBusy(plan.id);
    setError(null);
    setDone(null);
    try {
      await careApi.changeService(found.id, plan.id, { status });
      setDone(t('services.moved', { service: typeLabel(plan.type), status: t(`services.statuses.${status}`) }));
      onChanged();
    } catch (failure) {
      setError(errorIdOf(failure));
    } finally {
      setBusy(null);
    }
  };

  return (
    <section id="services" aria-labelledby={`${ids}-title`} className="section">
      <h2 id={`${ids}-title`}>{t('services.title')}</h2>
      <p role="status" className={done ? 'notice' : undefined}>
        {done}
      </p>
      {error && <ErrorMessage errorId={error} />}
      <Loaded resource={services}>
        {(plans) =>
          plans.length === 0 ? (
            <p>{t('services.none')}</p>
          ) : (
            <ScrollingTable caption={t('services.caption', { count: plans.length })}>
              <thead>
                <tr>
                  <th scope="col">{t('services.type')}</th>
                  <th scope="col">{t('services.provider')}</th>
                  <th scope="col">{t('services.plannedEnd')}</th>
                  <th scope="col">{t('services.status')}</th>
                </tr>
              </thead>
              <tbody>
                {plans.map((plan) => (
                  <tr key={plan.id}>
                    <th scope="row">
                      {typeLabel(plan.type)}
                      {plan.language && ` (${languageName(plan.language)})`}
                      {typeof plan.fields.spl_Objectives === 'string' && (
                        <span className="hint block">{plan.fields.spl_Objectives}</span>
                      )}
                      {plan.erasedFields.includes('spl_Objectives') && (
                        <span className="hint block">{t('atRest.erased')}</span>
                      )}
                    </th>
                    <td>
                      <bdi>{agencyName(plan.providerAgencyId)}</bdi>
                    </td>
                    <td>
                      {typeof plan.fields.spl_PlannedEndDate === 'string'
                        ? formatDay(plan.fields.spl_PlannedEndDate)
                        : '—'}
                    </td>
                    <td>
                      {t(`services.statuses.${plan.status}`)}
                      {canPlan && NEXT[plan.status].length > 0 && (
                        <div className="actions compact">
                          {NEXT[plan.status].map((status) => (
                            <button
                              key={status}
                              type="button"
                              className="button secondary small"
                              aria-disabled={busy === plan.id}
                              onClick={() => void move(plan, status)}
                            >
                              {t(`services.to.${status}`)}
                              <span className="visually-hidden"> {typeLabel(plan.type)}</span>
                            </button>
                          ))}
                        </div>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </ScrollingTable>
          )
        }
      </Loaded>
      {canPlan && (
        <Opener label={t('services.open')}>
          <ServiceForm caseId={found.id} agencies={agencies} onPlanned={onChanged} />
        </Opener>
      )}
    </section>
  );
}

const CONTROLS = ['type', 'language', 'providerAgencyId', 'spl_Objectives', 'spl_PlannedEndDate'] as const;

function ServiceForm({ caseId, agencies, onPlanned }: { caseId: string; agencies: Agency[]; onPlanned(): void }) {
  const { t, i18n } = useTranslation();
  const ids = useId();
  const typeLabel = useServiceTypeLabel();
  const languages = useLanguageOptions();
  const [saved, setSaved] = useState<string | null>(null);
  const collator = new Intl.Collator(i18n.language);
  const types = SERVICE_TYPES.map((type) => ({ type, label: typeLabel(type) })).sort((a, b) =>
    collator.compare(a.label, b.label),
  );
  const form = useForm(async (data, element) => {
    setSaved(null);
    const type = fieldText(data, 'type');
    const language = fieldText(data, 'language');
    if (!type) throw new FormProblem('missing_fields', 'type');
    if (type === 'Interpreter' && !language) throw new FormProblem('language_missing', 'language');
    const fields = Object.fromEntries(
      (['spl_Objectives', 'spl_PlannedEndDate'] as const)
        .map((name) => [name, fieldText(data, name)])
        .filter(([, value]) => value),
    );
    const providerAgencyId = fieldText(data, 'providerAgencyId');
    try {
      await careApi.planService(caseId, {
        type,
        fields,
        ...(providerAgencyId ? { providerAgencyId } : {}),
        ...(language && type === 'Interpreter' ? { language } : {}),
        status: data.get('started') ? 'active' : 'planned',
      });
    } catch (error) {
      throw asFormProblem(error, CONTROLS);
    }
    setSaved(t('services.planned', { service: typeLabel(type) }));
    element.reset();
    onPlanned();
  });

  return (
    <form className="form subsection" noValidate aria-labelledby={`${ids}-title`} onSubmit={form.onSubmit}>
      <h3 id={`${ids}-title`}>{t('services.formTitle')}</h3>
      <p role="status" className={saved ? 'notice' : undefined}>
        {saved}
      </p>
      {form.error}
      <SelectField label={t('services.type')} name="type" required defaultValue="" errorId={form.errorFor('type')}>
        <option value="">{t('admin.choose')}</option>
        {types.map(({ type, label }) => (
          <option key={type} value={type}>
            {label}
          </option>
        ))}
      </SelectField>
      <SelectField
        label={t('services.language')}
        hint={t('services.languageHint')}
        name="language"
        defaultValue=""
        errorId={form.errorFor('language')}
      >
        <option value="">{t('admin.choose')}</option>
        {languages.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </SelectField>
      <SelectField
        label={t('services.provider')}
        name="providerAgencyId"
        defaultValue=""
        errorId={form.errorFor('providerAgencyId')}
      >
        <option value="">{t('services.noProvider')}</option>
        {agencies.map((agency) => (
          <option key={agency.id} value={agency.id}>
            {agency.name}
          </option>
        ))}
      </SelectField>
      <TextAreaField
        label={t('services.objectives')}
        hint={t('services.objectivesHint')}
        name="spl_Objectives"
        maxLength={20000}
        errorId={form.errorFor('spl_Objectives')}
      />
      <TextField
        label={t('services.plannedEnd')}
        name="spl_PlannedEndDate"
        type="date"
        errorId={form.errorFor('spl_PlannedEndDate')}
      />
      <label className="choice">
        <input type="checkbox" name="started" value="yes" />
        {t('services.started')}
      </label>
      <button type="submit" className="button" aria-disabled={form.pending}>
        {form.pending ? t('stageBar.saving') : t('services.submit')}
      </button>
    </form>
  );
}
