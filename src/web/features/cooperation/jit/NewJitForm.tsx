import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { Agency, SessionUser } from '../../../api.ts';
import { ChoiceField, TextAreaField, TextField } from '../../../components/Field.tsx';
import { fieldText } from '../../../components/useForm.tsx';
import { agenciesWhere } from '../../cases/vocabulary.ts';
import { type Jit, jitApi, type NewJit, today } from './jit-api.ts';
import { JitProblem, useJitForm } from './jit-errors.tsx';

const NODE_ID = /^[a-z0-9][a-z0-9-]{1,62}$/;

interface NewJitFormProps {
  user: SessionUser;
  agencies: Agency[];
  /** This node's id, once known: it takes part as the one setting the team up, never as another party. */
  ownNode: string | null;
  onCreated(jit: Jit): void;
}

/**
 * Sets a team up: its name, the purpose the agreement states, the other parties by node id, its dates and the agencies
 * of this node taking part from the start. The agreement goes to every party at once.
 */
export function NewJitForm({ user, agencies, ownNode, onCreated }: NewJitFormProps) {
  const { t } = useTranslation();
  const ids = useId();
  // An investigator sets a team up for their own agency, which must take part; node-wide roles for any.
  const own = agenciesWhere(user, 'jit.manage');
  const form = useJitForm(
    async (data, element) => {
      const input = readTerms(data, ownNode, own);
      onCreated(await jitApi.create(input));
      element.reset();
    },
    { peer_unknown: 'parties', peer_suspended: 'parties', unknown_agency: 'agencyIds', forbidden: 'agencyIds' },
  );
  return (
    <form className="form section" noValidate aria-labelledby={`${ids}-title`} onSubmit={form.onSubmit}>
      <h2 id={`${ids}-title`}>{t('cooperation.jit.form.title')}</h2>
      <p className="hint">{t('cooperation.jit.form.intro')}</p>
      {form.error}
      <TextField
        label={t('cooperation.jit.fields.name')}
        name="name"
        required
        maxLength={200}
        autoComplete="off"
        errorId={form.errorFor('name')}
      />
      <TextAreaField
        label={t('cooperation.jit.fields.purpose')}
        hint={t('cooperation.jit.form.purposeHint')}
        name="purpose"
        required
        maxLength={2000}
        errorId={form.errorFor('purpose')}
      />
      <TextField
        label={t('cooperation.jit.form.parties')}
        hint={t('cooperation.jit.form.partiesHint')}
        name="parties"
        required
        dir="ltr"
        autoComplete="off"
        spellCheck={false}
        maxLength={1300}
        errorId={form.errorFor('parties')}
      />
      <div className="form-grid">
        <TextField
          label={t('cooperation.jit.fields.startsOn')}
          name="startsOn"
          type="date"
          required
          defaultValue={today()}
          errorId={form.errorFor('startsOn')}
        />
        <TextField
          label={t('cooperation.jit.fields.endsOn')}
          name="endsOn"
          type="date"
          required
          min={today()}
          errorId={form.errorFor('endsOn')}
        />
      </div>
      <ChoiceField
        label={t('cooperation.jit.form.agencies')}
        hint={own === null ? t('cooperation.jit.form.agenciesHint') : t('cooperation.jit.form.ownAgencyHint')}
        name="agencyIds"
        type="checkbox"
        columns
        errorId={form.errorFor('agencyIds')}
        defaultValues={own ?? []}
        options={agencies.map((agency) => ({ value: agency.id, label: agency.name }))}
      />
      <button type="submit" className="button" aria-disabled={form.pending}>
        {form.pending ? t('cooperation.jit.working') : t('cooperation.jit.form.submit')}
      </button>
    </form>
  );
}

/** The terms as the node takes them, or the first mistake in them with the control to fix. */
function readTerms(data: FormData, ownNode: string | null, own: string[] | null): NewJit {
  const name = fieldText(data, 'name');
  const purpose = fieldText(data, 'purpose');
  const parties = [
    ...new Set(
      fieldText(data, 'parties')
        .toLowerCase()
        .split(/[\s,;]+/)
        .filter(Boolean),
    ),
  ];
  const startsOn = fieldText(data, 'startsOn');
  const endsOn = fieldText(data, 'endsOn');
  const agencyIds = data.getAll('agencyIds').map(String);
  if (!name) throw new JitProblem('name_missing', 'name');
  if (!purpose) throw new JitProblem('terms_missing', 'purpose');
  if (parties.length === 0) throw new JitProblem('parties_missing', 'parties');
  if (parties.some((party) => !NODE_ID.test(party))) throw new JitProblem('party_format', 'parties');
  if (ownNode && parties.includes(ownNode)) throw new JitProblem('party_self', 'parties');
  if (!startsOn) throw new JitProblem('dates_missing', 'startsOn');
  if (!endsOn) throw new JitProblem('dates_missing', 'endsOn');
  if (endsOn < startsOn) throw new JitProblem('dates_order', 'endsOn');
  if (endsOn < today()) throw new JitProblem('end_past', 'endsOn');
  if (own !== null && !agencyIds.some((id) => own.includes(id)))
    throw new JitProblem('own_agency_missing', 'agencyIds');
  return { name, purpose, parties, startsOn, endsOn, agencyIds };
}
