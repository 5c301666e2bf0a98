import { useEffect, useId, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { SelectField, TextField } from '../../../components/Field.tsx';
import type { PersonRole } from './mla-api.ts';

/** A person concerned as the form holds them: a stable key for the row's controls, and the values it started with. */
export interface PersonRow {
  key: string;
  name?: string;
  role?: PersonRole;
}

interface PersonRowsProps {
  rows: PersonRow[];
  onRows(rows: PersonRow[]): void;
  newKey(): string;
  roles: readonly PersonRole[];
  errorFor(name: string): string | undefined;
}

/**
 * The persons concerned, one row each, added and removed as needed. A new row's name takes the focus; after a removal
 * the focus goes to the button that adds a person, so that it is never lost.
 */
export function PersonRows({ rows, onRows, newKey, roles, errorFor }: PersonRowsProps) {
  const { t } = useTranslation();
  const ids = useId();
  const section = useRef<HTMLFieldSetElement>(null);
  const add = useRef<HTMLButtonElement>(null);
  const focus = useRef<string | null>(null);

  useEffect(() => {
    const target = focus.current;
    if (target === null) return;
    focus.current = null;
    const control = target
      ? section.current?.querySelector<HTMLElement>(`[name="persons.${target}.name"]`)
      : add.current;
    control?.focus();
  });

  return (
    <fieldset ref={section} className="form-section" aria-describedby={`${ids}-hint`}>
      <legend>{t('cooperation.mla.fields.persons')}</legend>
      <p id={`${ids}-hint`} className="hint">
        {t('cooperation.mla.form.personsHint')}
      </p>
      {rows.length === 0 && <p>{t('cooperation.mla.form.noPersons')}</p>}
      {rows.map((row, index) => (
        <fieldset key={row.key} className="field-group">
          <legend>{t('cooperation.mla.form.person', { number: index + 1 })}</legend>
          <div className="form-grid">
            <TextField
              label={t('cooperation.mla.form.personName')}
              name={`persons.${row.key}.name`}
              required
              maxLength={200}
              autoComplete="off"
              defaultValue={row.name ?? ''}
              errorId={errorFor(`persons.${row.key}.name`)}
            />
            <SelectField
              label={t('cooperation.mla.form.personRole')}
              name={`persons.${row.key}.role`}
              defaultValue={row.role ?? 'suspect'}
              errorId={errorFor(`persons.${row.key}.role`)}
            >
              {roles.map((role) => (
                <option key={role} value={role}>
                  {t(`cooperation.mla.roles.${role}`)}
                </option>
              ))}
            </SelectField>
          </div>
          <button
            type="button"
            className="button secondary small"
            onClick={() => {
              focus.current = '';
              onRows(rows.filter((other) => other.key !== row.key));
            }}
          >
            {t('cooperation.mla.form.removePerson', { number: index + 1 })}
          </button>
        </fieldset>
      ))}
      <button
        ref={add}
        type="button"
        className="button secondary"
        onClick={() => {
          const key = newKey();
          focus.current = key;
          onRows([...rows, { key }]);
        }}
      >
        {t('cooperation.mla.form.addPerson')}
      </button>
    </fieldset>
  );
}
