import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ORG_TYPES } from '../../../shared/org-types.ts';
import { type Agency, api, type OrgType } from '../../api.ts';
import { SelectField, TextField } from '../../components/Field.tsx';
import { ScrollingTable } from '../../components/ScrollingTable.tsx';
import { FormProblem, fieldText, useForm } from '../../components/useForm.tsx';
import { useCountryName } from '../../i18n/format.ts';
import { isolate } from '../../i18n/i18n.ts';

interface AgenciesSectionProps {
  agencies: Agency[];
  /** The node's country, the likeliest one for a new agency. */
  country: string;
  canAdd: boolean;
  onAdded(agency: Agency): void;
}

export function AgenciesSection({ agencies, country, canAdd, onAdded }: AgenciesSectionProps) {
  const { t } = useTranslation();
  const ids = useId();
  const countryName = useCountryName();
  return (
    <section aria-labelledby={`${ids}-title`} className="section">
      <h2 id={`${ids}-title`}>{t('agencies.title')}</h2>
      <ScrollingTable caption={t('agencies.count', { count: agencies.length })}>
        <thead>
          <tr>
            <th scope="col">{t('agencies.name')}</th>
            <th scope="col">{t('agencies.country')}</th>
            <th scope="col">{t('agencies.type')}</th>
          </tr>
        </thead>
        <tbody>
          {agencies.map((agency) => (
            <tr key={agency.id}>
              <th scope="row">
                <bdi>{agency.name}</bdi>
              </th>
              <td>
                {countryName(agency.country)} ({agency.country})
              </td>
              <td>{t(`orgTypes.${agency.orgType}`)}</td>
            </tr>
          ))}
        </tbody>
      </ScrollingTable>
      {canAdd && <AgencyForm country={country} onAdded={onAdded} />}
    </section>
  );
}

function AgencyForm({ country, onAdded }: { country: string; onAdded(agency: Agency): void }) {
  const { t, i18n } = useTranslation();
  const ids = useId();
  const [notice, setNotice] = useState<string | null>(null);
  const form = useForm(
    async (data, element) => {
      setNotice(null);
      const name = fieldText(data, 'name');
      const code = fieldText(data, 'country').toUpperCase();
      const orgType = fieldText(data, 'orgType') as OrgType | '';
      if (!name) throw new FormProblem('missing_fields', 'name');
      if (!/^[A-Z]{2}$/.test(code)) throw new FormProblem('country_format', 'country');
      if (!orgType) throw new FormProblem('missing_fields', 'orgType');
      const agency = await api.createAgency({ name, country: code, orgType });
      onAdded(agency);
      setNotice(t('agencies.added', { name: isolate(agency.name) }));
      element.reset();
    },
    { agency_exists: 'name' },
  );
  const collator = new Intl.Collator(i18n.language);
  const types = ORG_TYPES.map((type) => ({ type, label: t(`orgTypes.${type}`) })).sort((a, b) =>
    collator.compare(a.label, b.label),
  );
  return (
    <form className="form subsection" noValidate aria-labelledby={`${ids}-title`} onSubmit={form.onSubmit}>
      <h3 id={`${ids}-title`}>{t('agencies.add')}</h3>
      <p role="status" className={notice ? 'notice' : undefined}>
        {notice}
      </p>
      {form.error}
      <TextField label={t('agencies.newName')} name="name" required maxLength={200} errorId={form.errorFor('name')} />
      <TextField
        label={t('agencies.countryCode')}
        hint={t('agencies.countryHint')}
        name="country"
        className="short"
        defaultValue={country}
        required
        maxLength={2}
        autoComplete="off"
        errorId={form.errorFor('country')}
      />
      <SelectField label={t('agencies.type')} name="orgType" required errorId={form.errorFor('orgType')}>
        <option value="">{t('admin.choose')}</option>
        {types.map(({ type, label }) => (
          <option key={type} value={type}>
            {label}
          </option>
        ))}
      </SelectField>
      <button type="submit" className="button" aria-disabled={form.pending}>
        {form.pending ? t('admin.adding') : t('agencies.submit')}
      </button>
    </form>
  );
}
