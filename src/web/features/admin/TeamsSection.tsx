import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type Agency, api, type Team, type User } from '../../api.ts';
import { SelectField, TextField } from '../../components/Field.tsx';
import { ScrollingTable } from '../../components/ScrollingTable.tsx';
import { FormProblem, fieldText, useForm } from '../../components/useForm.tsx';
import { isolate } from '../../i18n/i18n.ts';

interface TeamsSectionProps {
  teams: Team[];
  agencies: Agency[];
  users: User[];
  onChanged(team: Team): void;
}

/**
 * The teams of the agencies: a role granted with a team's reach covers the cases assigned to its members. Node
 * administrators make teams and name their members here.
 */
export function TeamsSection({ teams, agencies, users, onChanged }: TeamsSectionProps) {
  const { t } = useTranslation();
  const ids = useId();
  const [notice, setNotice] = useState<string | null>(null);
  const agencyName = (id: string) => agencies.find((a) => a.id === id)?.name ?? id;
  const userName = (id: string) => users.find((u) => u.id === id)?.displayName ?? id;
  const changed = (team: Team, message: string) => {
    onChanged(team);
    setNotice(message);
  };
  const remove = async (team: Team, userId: string) => {
    const after = await api.removeTeamMember(team.id, userId);
    changed(after, t('teams.removed', { name: isolate(userName(userId)), team: isolate(team.name) }));
  };
  return (
    <section aria-labelledby={`${ids}-title`} className="section">
      <h2 id={`${ids}-title`}>{t('teams.title')}</h2>
      <p>{t('teams.intro')}</p>
      <p role="status" className={notice ? 'notice' : undefined}>
        {notice}
      </p>
      {teams.length === 0 ? (
        <p>{t('teams.none')}</p>
      ) : (
        <ScrollingTable caption={t('teams.count', { count: teams.length })}>
          <thead>
            <tr>
              <th scope="col">{t('teams.name')}</th>
              <th scope="col">{t('teams.agency')}</th>
              <th scope="col">{t('teams.members')}</th>
            </tr>
          </thead>
          <tbody>
            {teams.map((team) => (
              <tr key={team.id}>
                <th scope="row">
                  <bdi>{team.name}</bdi>
                </th>
                <td>
                  <bdi>{agencyName(team.agencyId)}</bdi>
                </td>
                <td>
                  {team.members.length === 0 ? (
                    t('teams.noMembers')
                  ) : (
                    <ul className="plain">
                      {team.members.map((member) => (
                        <li key={member}>
                          <bdi>{userName(member)}</bdi>{' '}
                          <button type="button" className="button link" onClick={() => void remove(team, member)}>
                            {t('teams.remove', { name: isolate(userName(member)), team: isolate(team.name) })}
                          </button>
                        </li>
                      ))}
                    </ul>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </ScrollingTable>
      )}
      <TeamForm agencies={agencies} onAdded={(team) => changed(team, t('teams.added', { name: isolate(team.name) }))} />
      {teams.length > 0 && (
        <MemberForm
          teams={teams}
          users={users}
          agencyName={agencyName}
          onAdded={(team) => changed(team, t('teams.memberAdded', { team: isolate(team.name) }))}
        />
      )}
    </section>
  );
}

function TeamForm({ agencies, onAdded }: { agencies: Agency[]; onAdded(team: Team): void }) {
  const { t } = useTranslation();
  const ids = useId();
  const form = useForm(async (data, element) => {
    const agency = fieldText(data, 'agency');
    const name = fieldText(data, 'name');
    if (!agency) throw new FormProblem('missing_fields', 'agency');
    if (!name) throw new FormProblem('missing_fields', 'name');
    onAdded(await api.createTeam({ agency, name }));
    element.reset();
  });
  return (
    <form className="form subsection" noValidate aria-labelledby={`${ids}-title`} onSubmit={form.onSubmit}>
      <h3 id={`${ids}-title`}>{t('teams.add')}</h3>
      {form.error}
      <SelectField label={t('teams.agency')} name="agency" required errorId={form.errorFor('agency')}>
        <option value="">{t('admin.choose')}</option>
        {agencies.map((agency) => (
          <option key={agency.id} value={agency.id}>
            {agency.name}
          </option>
        ))}
      </SelectField>
      <TextField label={t('teams.name')} name="name" required maxLength={200} errorId={form.errorFor('name')} />
      <button type="submit" className="button" aria-disabled={form.pending}>
        {form.pending ? t('admin.adding') : t('teams.submit')}
      </button>
    </form>
  );
}

interface MemberFormProps {
  teams: Team[];
  users: User[];
  agencyName(id: string): string;
  onAdded(team: Team): void;
}

function MemberForm({ teams, users, agencyName, onAdded }: MemberFormProps) {
  const { t } = useTranslation();
  const ids = useId();
  const form = useForm(async (data) => {
    const team = fieldText(data, 'team');
    const user = fieldText(data, 'user');
    if (!team) throw new FormProblem('missing_fields', 'team');
    if (!user) throw new FormProblem('missing_fields', 'user');
    onAdded(await api.addTeamMember(team, user));
  });
  return (
    <form className="form subsection" noValidate aria-labelledby={`${ids}-title`} onSubmit={form.onSubmit}>
      <h3 id={`${ids}-title`}>{t('teams.addMember')}</h3>
      {form.error}
      <SelectField label={t('teams.team')} name="team" required errorId={form.errorFor('team')}>
        <option value="">{t('admin.choose')}</option>
        {teams.map((team) => (
          <option key={team.id} value={team.id}>
            {t('teams.option', { name: team.name, agency: agencyName(team.agencyId) })}
          </option>
        ))}
      </SelectField>
      <SelectField label={t('teams.user')} name="user" required errorId={form.errorFor('user')}>
        <option value="">{t('admin.choose')}</option>
        {users
          .filter((user) => !user.disabledAt)
          .map((user) => (
            <option key={user.id} value={user.id}>
              {user.displayName} ({user.email})
            </option>
          ))}
      </SelectField>
      <button type="submit" className="button" aria-disabled={form.pending}>
        {form.pending ? t('admin.adding') : t('teams.memberSubmit')}
      </button>
    </form>
  );
}
