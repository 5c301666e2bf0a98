import { useEffect, useId, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { type Agency, api, type CreatedUser, REACHES, type Reach, ROLES, type RoleId, type Team } from '../../api.ts';
import { SelectField, TextField } from '../../components/Field.tsx';
import { FormProblem, fieldText, useForm } from '../../components/useForm.tsx';

/** The server's minimum; checked here too so that the message names the rule. */
const PASSWORD_MIN_LENGTH = 12;

interface UserFormProps {
  agencies: Agency[];
  teams: Team[];
  /** Set when the form comes back after a key was handed over, so that the keyboard user is not left nowhere. */
  focusTitle: boolean;
  onCreated(created: CreatedUser): void;
}

export function UserForm({ agencies, teams, focusTitle, onCreated }: UserFormProps) {
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
      // A narrower reach than the agency needs the agency, and a team's reach the team (of that agency).
      const reach = (value('reach') || 'agency') as Reach;
      const team = value('team');
      if (reach !== 'agency' && !agency) throw new FormProblem('missing_fields', 'agency');
      if (reach === 'team' && !team) throw new FormProblem('missing_fields', 'team');
      const narrowed = reach === 'agency' ? {} : reach === 'own' ? { reach } : { reach, team };
      onCreated(
        await api.createUser({
          email: value('email'),
          displayName: value('displayName'),
          password,
          roles: [{ role, agency, ...narrowed }],
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
      <SelectField label={t('users.reach')} hint={t('users.reachHint')} name="reach">
        {REACHES.map((reach) => (
          <option key={reach} value={reach}>
            {t(`users.reaches.${reach}`)}
          </option>
        ))}
      </SelectField>
      <SelectField label={t('users.team')} hint={t('users.teamHint')} name="team" errorId={form.errorFor('team')}>
        <option value="">{t('users.noTeam')}</option>
        {teams.map((team) => (
          <option key={team.id} value={team.id}>
            {t('teams.option', { name: team.name, agency: agencies.find((a) => a.id === team.agencyId)?.name ?? '' })}
          </option>
        ))}
      </SelectField>
      <button type="submit" className="button" aria-disabled={form.pending}>
        {form.pending ? t('admin.adding') : t('users.submit')}
      </button>
    </form>
  );
}
