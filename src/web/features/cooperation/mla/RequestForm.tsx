import { useCallback, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../../api.ts';
import { TextAreaField, TextField } from '../../../components/Field.tsx';
import { HandlingFields, handlingFrom } from '../../../components/Handling.tsx';
import { fieldText } from '../../../components/useForm.tsx';
import { useResource } from '../../../components/useResource.tsx';
import { casesApi } from '../../cases/cases-api.ts';
import {
  MEASURES,
  type Measure,
  type MlaRequest,
  mlaApi,
  type NewRequest,
  PERSON_ROLES,
  type PersonRole,
} from './mla-api.ts';
import { MlaProblem, useMlaForm } from './mla-errors.tsx';
import { type PersonRow, PersonRows } from './PersonRows.tsx';

const NODE_ID = /^[a-z0-9][a-z0-9-]{1,62}$/;
const COUNTRY = /^[A-Z]{2}$/;

interface RequestFormProps {
  /** The draft to change, read with its persons concerned and summary of facts; none for a new request. */
  draft?: MlaRequest;
  /** The reference of the case the draft serves, if any. */
  caseReference?: string;
  onSaved(request: MlaRequest): void;
}

/**
 * A draft request: the authorities, the node asked to execute it, the measures, the persons concerned and the
 * offence. Nothing leaves this node until the draft is sent from its page.
 */
export function RequestForm({ draft, caseReference, onSaved }: RequestFormProps) {
  const { t } = useTranslation();
  const ids = useId();
  const nextKey = useRef(0);
  const key = () => `p${nextKey.current++}`;
  const [persons, setPersons] = useState<PersonRow[]>(() =>
    (draft?.persons ?? []).map((person) => ({ key: key(), ...person }) as PersonRow),
  );
  const [measures, setMeasures] = useState<Set<Measure>>(
    () => new Set((draft?.measures ?? []).map((measure) => measure.type as Measure)),
  );
  // Investigators cannot read the node's trust list (node administrators only): the nodes this node already works
  // with are offered, and any other peer is typed in by its id.
  const known = useResource(useCallback(() => mlaApi.list({ limit: 200, offset: 0 }), []));
  const peers = [...new Set((known.data?.requests ?? []).map((request) => request.peer))].sort();

  const form = useMlaForm(
    async (data) => {
      const input = readForm(data, persons, measures);
      const reference = fieldText(data, 'caseReference');
      const caseId = reference ? await caseIdOf(reference) : undefined;
      try {
        onSaved(
          draft
            ? await mlaApi.update(draft.id, { ...input, ...(caseId ? { caseId } : {}) })
            : await mlaApi.create({ ...input, ...(caseId ? { caseId } : {}) }),
        );
      } catch (error) {
        throw refusedField(error, persons) ?? error;
      }
    },
    { peer_unknown: 'executingNode', peer_suspended: 'executingNode', forbidden: 'caseReference' },
  );

  const descriptionOf = (measure: Measure) => draft?.measures.find((m) => m.type === measure)?.description ?? '';
  return (
    <form className="form case-form" noValidate aria-labelledby={`${ids}-title`} onSubmit={form.onSubmit}>
      <h2 id={`${ids}-title`}>{t(draft ? 'cooperation.mla.form.editTitle' : 'cooperation.mla.form.newTitle')}</h2>
      <p className="hint">{t('cooperation.mla.form.intro')}</p>
      {form.error}
      <fieldset className="form-section">
        <legend>{t('cooperation.mla.form.nodes')}</legend>
        <TextField
          label={t('cooperation.mla.fields.executingNode')}
          hint={t('cooperation.mla.form.executingNodeHint')}
          name="executingNode"
          required
          autoComplete="off"
          spellCheck={false}
          list={`${ids}-peers`}
          defaultValue={draft?.executingNode ?? ''}
          errorId={form.errorFor('executingNode')}
        />
        <datalist id={`${ids}-peers`}>
          {peers.map((peer) => (
            <option key={peer} value={peer} />
          ))}
        </datalist>
        <div className="form-grid">
          <AuthorityFields
            prefix="issuingAuthority"
            legend={t('cooperation.mla.fields.issuingAuthority')}
            value={draft?.issuingAuthority}
            errorFor={form.errorFor}
          />
          <AuthorityFields
            prefix="executingAuthority"
            legend={t('cooperation.mla.fields.executingAuthority')}
            value={draft?.executingAuthority}
            errorFor={form.errorFor}
          />
        </div>
      </fieldset>
      <fieldset className="form-section">
        <legend>{t('cooperation.mla.form.timing')}</legend>
        <div className="choices">
          <label className="choice">
            <input type="checkbox" name="urgent" value="yes" defaultChecked={draft?.urgent ?? false} />
            {t('cooperation.mla.form.urgent')}
          </label>
        </div>
        <TextField
          label={t('cooperation.mla.fields.requestedDeadline')}
          hint={t('cooperation.mla.form.deadlineHint')}
          name="requestedDeadline"
          type="date"
          defaultValue={draft?.requestedDeadline ?? ''}
          errorId={form.errorFor('requestedDeadline')}
        />
      </fieldset>
      <fieldset className="choices columns">
        <legend>{t('cooperation.mla.fields.measures')}</legend>
        {MEASURES.map((measure) => (
          <div key={measure} className="field-group">
            <label className="choice">
              <input
                type="checkbox"
                name="measures"
                value={measure}
                checked={measures.has(measure)}
                aria-invalid={form.errorFor('measures') ? true : undefined}
                aria-describedby={form.errorFor('measures')}
                onChange={(event) => {
                  const next = new Set(measures);
                  if (event.target.checked) next.add(measure);
                  else next.delete(measure);
                  setMeasures(next);
                }}
              />
              {t(`cooperation.mla.measures.${measure}`)}
            </label>
            {measures.has(measure) && (
              <TextField
                label={t('cooperation.mla.form.measureDetails', { measure: t(`cooperation.mla.measures.${measure}`) })}
                name={`measure.${measure}`}
                maxLength={2000}
                defaultValue={descriptionOf(measure)}
              />
            )}
          </div>
        ))}
      </fieldset>
      <PersonRows rows={persons} onRows={setPersons} newKey={key} errorFor={form.errorFor} roles={PERSON_ROLES} />
      <fieldset className="form-section">
        <legend>{t('cooperation.mla.form.offence')}</legend>
        <TextField
          label={t('cooperation.mla.fields.legalClassification')}
          hint={t('cooperation.mla.form.classificationHint')}
          name="offence.legalClassification"
          required
          maxLength={500}
          defaultValue={draft?.legalClassification ?? ''}
          errorId={form.errorFor('offence.legalClassification')}
        />
        <TextAreaField
          label={t('cooperation.mla.fields.factsSummary')}
          hint={t('cooperation.mla.form.factsHint')}
          name="offence.summary"
          required
          rows={6}
          maxLength={10000}
          defaultValue={draft?.factsSummary ?? ''}
          errorId={form.errorFor('offence.summary')}
        />
      </fieldset>
      <HandlingFields current={draft} />
      <TextField
        label={t('cooperation.mla.fields.case')}
        hint={t(draft?.caseId ? 'cooperation.mla.form.caseKeptHint' : 'cooperation.mla.form.caseHint')}
        name="caseReference"
        autoComplete="off"
        maxLength={40}
        defaultValue={caseReference ?? ''}
        errorId={form.errorFor('caseReference')}
      />
      <button type="submit" className="button" aria-disabled={form.pending}>
        {form.pending ? t('cooperation.mla.form.saving') : t('cooperation.mla.form.save')}
      </button>
    </form>
  );
}

function AuthorityFields({
  prefix,
  legend,
  value,
  errorFor,
}: {
  prefix: 'issuingAuthority' | 'executingAuthority';
  legend: string;
  value?: { name: string; country: string };
  errorFor(name: string): string | undefined;
}) {
  const { t } = useTranslation();
  return (
    <fieldset className="field-group">
      <legend>{legend}</legend>
      <TextField
        label={t('cooperation.mla.form.authorityName')}
        name={`${prefix}.name`}
        required
        maxLength={200}
        defaultValue={value?.name ?? ''}
        errorId={errorFor(`${prefix}.name`)}
      />
      <TextField
        label={t('cooperation.mla.form.authorityCountry')}
        hint={t('cooperation.mla.form.countryHint')}
        name={`${prefix}.country`}
        required
        maxLength={2}
        autoComplete="off"
        defaultValue={value?.country ?? ''}
        errorId={errorFor(`${prefix}.country`)}
      />
    </fieldset>
  );
}

/** The request as the node takes it, or the first mistake in it with the control to fix. */
function readForm(data: FormData, persons: PersonRow[], measures: Set<Measure>): Omit<NewRequest, 'caseId'> {
  const executingNode = fieldText(data, 'executingNode');
  if (!executingNode) throw new MlaProblem('node_missing', 'executingNode');
  if (!NODE_ID.test(executingNode)) throw new MlaProblem('node_format', 'executingNode');
  const authority = (prefix: string) => {
    const name = fieldText(data, `${prefix}.name`);
    const country = fieldText(data, `${prefix}.country`).toUpperCase();
    if (!name) throw new MlaProblem('authority_missing', `${prefix}.name`);
    if (!COUNTRY.test(country)) throw new MlaProblem('country_format', `${prefix}.country`);
    return { name, country };
  };
  const issuingAuthority = authority('issuingAuthority');
  const executingAuthority = authority('executingAuthority');
  const requestedDeadline = fieldText(data, 'requestedDeadline') || null;
  if (requestedDeadline && requestedDeadline < new Date().toISOString().slice(0, 10))
    throw new MlaProblem('deadline_past', 'requestedDeadline');
  if (measures.size === 0) throw new MlaProblem('measures_missing', 'measures');
  const people = persons.map((row) => {
    const name = fieldText(data, `persons.${row.key}.name`);
    if (!name) throw new MlaProblem('person_missing', `persons.${row.key}.name`);
    return { name, role: fieldText(data, `persons.${row.key}.role`) as PersonRole };
  });
  const legalClassification = fieldText(data, 'offence.legalClassification');
  if (!legalClassification) throw new MlaProblem('classification_missing', 'offence.legalClassification');
  const summary = fieldText(data, 'offence.summary');
  if (!summary) throw new MlaProblem('facts_missing', 'offence.summary');
  return {
    executingNode,
    urgent: data.get('urgent') === 'yes',
    requestedDeadline,
    issuingAuthority,
    executingAuthority,
    measures: MEASURES.filter((measure) => measures.has(measure)).map((type) => {
      const description = fieldText(data, `measure.${type}`);
      return description ? { type, description } : { type };
    }),
    persons: people,
    offence: { legalClassification, summary },
    ...handlingFrom(data),
  };
}

/** The case of this node with exactly this reference, among those the user may read. */
async function caseIdOf(reference: string): Promise<string> {
  const { cases } = await casesApi.list({ reference, limit: 20, offset: 0 });
  const found = cases.find((row) => row.reference.toLowerCase() === reference.toLowerCase());
  if (!found) throw new MlaProblem('case_unknown', 'caseReference');
  return found.id;
}

/** A value the node's schema refused, as a problem with the form's control for it. */
function refusedField(error: unknown, persons: PersonRow[]): MlaProblem | null {
  if (!(error instanceof ApiError) || error.id !== 'invalid_request' || !Array.isArray(error.details)) return null;
  const [first] = error.details as { path?: unknown }[];
  if (typeof first?.path !== 'string') return null;
  const [top = '', index = '', leaf = ''] = first.path.split('/').slice(1);
  if (top === 'persons') {
    const row = persons[Number(index)];
    return new MlaProblem('fields_invalid', row ? `persons.${row.key}.${leaf || 'name'}` : undefined);
  }
  if (top === 'measures') return new MlaProblem('fields_invalid', 'measures');
  if (top === 'offence' || top.endsWith('Authority'))
    return new MlaProblem('fields_invalid', `${top}.${index || 'name'}`);
  return new MlaProblem('fields_invalid', top || undefined);
}
