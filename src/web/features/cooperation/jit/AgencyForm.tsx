import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Agency } from '../../../api.ts';
import { SelectField } from '../../../components/Field.tsx';
import { fieldText } from '../../../components/useForm.tsx';
import { isolate } from '../../../i18n/i18n.ts';
import { type Jit, jitApi } from './jit-api.ts';
import { JitProblem, useJitForm } from './jit-errors.tsx';

/**
 * Names an agency of this node as taking part: its investigators and prosecutors may then read and write in the
 * shared space, and the other parties see it join.
 */
export function AgencyForm({ jit, agencies, onAdded }: { jit: Jit; agencies: Agency[]; onAdded(jit: Jit): void }) {
  const { t } = useTranslation();
  const ids = useId();
  const [saved, setSaved] = useState<string | null>(null);
  const candidates = agencies.filter((agency) => !jit.agencyIds.includes(agency.id));
  const form = useJitForm(
    async (data, element) => {
      setSaved(null);
      const agencyId = fieldText(data, 'agencyId');
      if (!agencyId) throw new JitProblem('agency_missing', 'agencyId');
      const changed = await jitApi.addAgency(jit.id, agencyId);
      element.reset();
      setSaved(
        t('cooperation.jit.members.added', {
          agency: isolate(agencies.find((a) => a.id === agencyId)?.name ?? ''),
        }),
      );
      onAdded(changed);
    },
    { jit_member_exists: 'agencyId', unknown_agency: 'agencyId' },
  );
  return (
    <form className="form section" noValidate aria-labelledby={`${ids}-title`} onSubmit={form.onSubmit}>
      <h2 id={`${ids}-title`}>{t('cooperation.jit.members.title')}</h2>
      <p className="hint">{t('cooperation.jit.members.intro')}</p>
      <p role="status" className={saved ? 'notice' : undefined}>
        {saved}
      </p>
      {form.error}
      {candidates.length === 0 ? (
        <p>{t('cooperation.jit.members.allIn')}</p>
      ) : (
        <>
          <SelectField
            label={t('cooperation.jit.fields.agency')}
            name="agencyId"
            required
            defaultValue=""
            errorId={form.errorFor('agencyId')}
          >
            <option value="">{t('admin.choose')}</option>
            {candidates.map((agency) => (
              <option key={agency.id} value={agency.id}>
                {agency.name}
              </option>
            ))}
          </SelectField>
          <button type="submit" className="button" aria-disabled={form.pending}>
            {form.pending ? t('cooperation.jit.working') : t('cooperation.jit.members.submit')}
          </button>
        </>
      )}
    </form>
  );
}
