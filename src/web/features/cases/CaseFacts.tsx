import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SessionUser } from '../../api.ts';
import { SelectField } from '../../components/Field.tsx';
import { fieldText, useForm } from '../../components/useForm.tsx';
import { type Case, casesApi } from './cases-api.ts';
import { FieldValueText, useFieldLabel } from './FieldValues.tsx';
import { allowsOnCase, picklist, type TranslatedPicklist, useHtcdsLabel } from './vocabulary.ts';

const STATUS_FIELDS = ['vic_TraffickingStatus', 'vic_TraffickingStatusDecisionMakingOrg'] as const;

/** The pseudonymous facts of the case: what happened, where, and the survivor's situation, without identity. */
export function CaseFacts({ found, user, onChanged }: { found: Case; user: SessionUser; onChanged(c: Case): void }) {
  const { t } = useTranslation();
  const ids = useId();
  const label = useFieldLabel();
  const facts = { ...found.survivor.attributes, ...found.victim, ...found.details };
  // Free text sealed under the survivor's key reads as erased once her identity is: say so rather than show nothing.
  const erased = found.erasedFields.filter((name) => !(name in facts) && /^(vic|cas)_/.test(name));
  return (
    <section id="facts" aria-labelledby={`${ids}-title`} className="section">
      <h2 id={`${ids}-title`}>{t('facts.title')}</h2>
      {Object.keys(facts).length + erased.length === 0 ? (
        <p>{t('facts.none')}</p>
      ) : (
        <dl className="facts">
          {Object.entries(facts).map(([name, value]) => (
            <div key={name}>
              <dt>{label(name)}</dt>
              <dd>
                <FieldValueText name={name} value={value} />
              </dd>
            </div>
          ))}
          {erased.map((name) => (
            <div key={name}>
              <dt>{label(name)}</dt>
              <dd className="hint">{t('atRest.erased')}</dd>
            </div>
          ))}
        </dl>
      )}
      <h3>{t('facts.places')}</h3>
      {found.movements.length === 0 ? (
        <p>{t('facts.noPlaces')}</p>
      ) : (
        <ul className="plain places">
          {found.movements.map((movement) => (
            <li key={movement.id}>
              <strong>
                <FieldValueText name="hte_Type" value={movement.fields.hte_Type as string | undefined} />
              </strong>
              {': '}
              {(['hte_City', 'hte_Country', 'hte_Date'] as const)
                .filter((name) => movement.fields[name] !== undefined)
                .map((name, index) => (
                  <span key={name}>
                    {index > 0 && ', '}
                    <FieldValueText name={name} value={movement.fields[name] as string} />
                  </span>
                ))}
            </li>
          ))}
        </ul>
      )}
      <p>{t('facts.perpetrators', { count: found.perpetrators.length })}</p>
      {allowsOnCase(user, 'case.update', found) && <StatusForm found={found} onChanged={onChanged} />}
    </section>
  );
}

/** Identification: whether the person is a possible or actual victim, and which organisation decided it. */
function StatusForm({ found, onChanged }: { found: Case; onChanged(c: Case): void }) {
  const { t } = useTranslation();
  const ids = useId();
  const htcds = useHtcdsLabel();
  const label = useFieldLabel();
  const [saved, setSaved] = useState(false);
  const form = useForm(async (data) => {
    setSaved(false);
    const victim = Object.fromEntries(STATUS_FIELDS.map((name) => [name, fieldText(data, name) || null]));
    onChanged(await casesApi.update(found.id, { version: found.version, victim }));
    setSaved(true);
  });
  const select = (name: TranslatedPicklist) => (
    <SelectField
      label={label(name)}
      name={name}
      defaultValue={(found.victim[name] as string | undefined) ?? ''}
      errorId={form.errorFor(name)}
    >
      <option value="">{t('facts.notDecided')}</option>
      {picklist(name).map((value) => (
        <option key={value} value={value}>
          {htcds(name, value)}
        </option>
      ))}
    </SelectField>
  );
  return (
    <form className="form subsection" noValidate aria-labelledby={`${ids}-title`} onSubmit={form.onSubmit}>
      <h3 id={`${ids}-title`}>{t('facts.statusTitle')}</h3>
      <p className="hint">{t('facts.statusHint')}</p>
      <p role="status" className={saved ? 'notice' : undefined}>
        {saved && t('facts.statusSaved')}
      </p>
      {form.error}
      {STATUS_FIELDS.map((name) => (
        <div key={name}>{select(name)}</div>
      ))}
      <button type="submit" className="button" aria-disabled={form.pending}>
        {form.pending ? t('stageBar.saving') : t('facts.saveStatus')}
      </button>
    </form>
  );
}
