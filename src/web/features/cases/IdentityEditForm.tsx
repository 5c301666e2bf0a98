import { useEffect, useId, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { fieldDefinition } from '../../../shared/case-fields.ts';
import { TextField } from '../../components/Field.tsx';
import { fieldText, useForm } from '../../components/useForm.tsx';
import { asFormProblem, casesApi, type Identity } from './cases-api.ts';
import { useFieldLabel } from './FieldValues.tsx';

interface IdentityEditFormProps {
  caseId: string;
  /** The identity fields shown, which the form offers to change. */
  names: readonly string[];
  identity: Identity;
  /** The identity as it is after the change, without reading it again (which would be another disclosure). */
  onSaved(fields: Identity['fields']): void;
  onCancel(): void;
}

type Value = Identity['fields'][string];

const typeOf = (name: string) => fieldDefinition(name)?.type.toLowerCase() ?? '';
const isList = (name: string) => typeOf(name).includes('multi');
const asText = (value: Value | undefined): string =>
  Array.isArray(value) ? value.join(', ') : value == null ? '' : String(value);

const splitList = (text: string) =>
  text
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

function inputType(name: string): string {
  if (typeOf(name) === 'date') return 'date';
  if (typeOf(name) === 'number') return 'number';
  if (name.endsWith('Phone')) return 'tel';
  if (name.endsWith('Email')) return 'email';
  return 'text';
}

/**
 * Changes the identity fields that are shown; a field left empty is removed. Only the fields that changed are sent,
 * and the node keeps them encrypted as before.
 */
export function IdentityEditForm({ caseId, names, identity, onSaved, onCancel }: IdentityEditFormProps) {
  const { t } = useTranslation();
  const ids = useId();
  const label = useFieldLabel();
  const formElement = useRef<HTMLFormElement>(null);
  const form = useForm(async (data) => {
    const changes: Record<string, string | number | string[] | null> = {};
    for (const name of names) {
      const text = fieldText(data, name);
      if (text === asText(identity.fields[name])) continue;
      changes[name] = !text ? null : isList(name) ? splitList(text) : typeOf(name) === 'number' ? Number(text) : text;
    }
    if (Object.keys(changes).length > 0) {
      try {
        await casesApi.updateIdentity(caseId, changes);
      } catch (error) {
        throw asFormProblem(error, names);
      }
    }
    const next = { ...identity.fields };
    for (const [name, value] of Object.entries(changes)) {
      if (value === null) delete next[name];
      else next[name] = value;
    }
    onSaved(next);
  });

  useEffect(() => {
    formElement.current?.querySelector('input')?.focus();
  }, []);

  return (
    <form
      ref={formElement}
      className="form subsection"
      noValidate
      aria-labelledby={`${ids}-title`}
      onSubmit={form.onSubmit}
      onKeyDown={(event) => {
        if (event.key === 'Escape') onCancel();
      }}
    >
      <h3 id={`${ids}-title`}>{t('identity.editTitle')}</h3>
      <p className="hint">{t('identity.editHint')}</p>
      {form.error}
      {names.map((name) => (
        <TextField
          key={name}
          label={label(name)}
          hint={isList(name) ? t('identity.listHint') : undefined}
          name={name}
          type={inputType(name)}
          defaultValue={asText(identity.fields[name])}
          errorId={form.errorFor(name)}
        />
      ))}
      <div className="actions">
        <button type="submit" className="button" aria-disabled={form.pending}>
          {form.pending ? t('identity.saving') : t('identity.save')}
        </button>
        <button type="button" className="button secondary" onClick={onCancel}>
          {t('app.cancel')}
        </button>
      </div>
    </form>
  );
}
