import { useEffect, useId, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { type Agency, api, type CreatedUser, ROLES, type RoleId } from '../../api.ts';
import { SelectField, TextField } from '../../components/Field.tsx';
import { FormProblem, fieldText, useForm } from '../../components/useForm.tsx';

/** The server's minimum; checked here too so that the message names the rule. */
const PASSWORD_MIN_LENGTH = 12;

interface UserFormProps {
  agencies: Agency[];
  /** Set when the form comes back after a key was handed over, so that the keyboard user is not left nowhere. */
  focusTitle: boolean;
  onCreated(created: CreatedUser): void;
}

export function UserForm({ agencies, focusTitle, onCreated }: UserFormProps) {
  const { t } = useTranslation();
  const ids = useId();
  const title = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    if (focusTitle) title.current?.focus();
  }, [focusTitle]);

  const form = useForm(
    async (data) => {
      const value = (name: string) => fieldText(data, name);
      const missing = ['email', 'displayName', 'password', 'role'].find((name) => !value(name));
      if (missing) throw new FormProblem('missing_fields', missing);
      // Sent as typed: spaces at either end are part of a password.
      const password = String(data.get('password'));
      if ([...password].length < PASSWORD_MIN_LENGTH) throw new FormProblem('password_short', 'password');
      const role = value('role') as RoleId;
      const agency = value('agency') || null;
      onCreated(
        await api.createUser({
          email: value('email'),
          displayName: value('displayName'),
          password,
          roles: [{ role, agency }],
        }),
      );
    },
    { user_exists: 'email' },
  );

  return (
    <form className="form subsection" noValidate aria-labelledby={`${ids}-title`} onSubmit={form.onSubmit}>
      <h3 ref={title} id={`${ids}-title`} tabIndex={-1}>
        {t('users.add')}
      </h3>
      {form.error}
      <TextField
        label={t('users.email')}
        name="email"
        type="email"
        autoComplete="off"
        required
        maxLength={254}
        errorId={form.errorFor('email')}
      />
      <TextField
        label={t('users.newName')}
        name="displayName"
        autoComplete="off"
        required
        maxLength={200}
        errorId={form.errorFor('displayName')}
      />
      <TextField
        label={t('users.password')}
        hint={t('users.passwordHint', { count: PASSWORD_MIN_LENGTH })}
        name="password"
        type="password"
        autoComplete="new-password"
        required
        errorId={form.errorFor('password')}
      />
      <SelectField label={t('users.role')} name="role" required errorId={form.errorFor('role')}>
        <option value="">{t('admin.choose')}</option>
        {ROLES.map((role) => (
          <option key={role} value={role}>
            {t(`roles.${role}`)}
          </option>
        ))}
      </SelectField>
      <SelectField label={t('users.agency')} hint={t('users.agencyHint')} name="agency">
        <option value="">{t('users.noAgency')}</option>
        {agencies.map((agency) => (
          <option key={agency.id} value={agency.id}>
            {agency.name}
          </option>
        ))}
      </SelectField>
      <button type="submit" className="button" aria-disabled={form.pending}>
        {form.pending ? t('admin.adding') : t('users.submit')}
      </button>
    </form>
  );
}
