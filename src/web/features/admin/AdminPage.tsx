import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type Agency, api, type SessionUser, type Team, type User } from '../../api.ts';
import { type ErrorId, ErrorMessage, errorIdOf } from '../../components/ErrorMessage.tsx';
import { PageHeading } from '../../components/PageHeading.tsx';
import { administersNode } from '../shell/modules.ts';
import { AgenciesSection } from './AgenciesSection.tsx';
import { TeamsSection } from './TeamsSection.tsx';
import { UsersSection } from './UsersSection.tsx';

interface Directory {
  agencies: Agency[];
  users: User[];
  teams: Team[];
}

// The server's order, kept when an agency is added.
const byCountryAndName = (a: Agency, b: Agency) => a.country.localeCompare(b.country) || a.name.localeCompare(b.name);

/** Node administration: the agencies of the node and the people who sign in to it. */
export function AdminPage({ country, user }: { country: string; user: SessionUser }) {
  const { t } = useTranslation();
  const [directory, setDirectory] = useState<Directory | null>(null);
  const [error, setError] = useState<ErrorId | null>(null);

  const load = useCallback(async () => {
    setError(null);
    try {
      const [agencies, users, teams] = await Promise.all([api.agencies(), api.users(), api.teams()]);
      setDirectory({ agencies, users, teams });
    } catch (failure) {
      setError(errorIdOf(failure));
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  const update = (change: (current: Directory) => Directory) =>
    setDirectory((current) => (current ? change(current) : current));

  return (
    <>
      <PageHeading title={t('nav.admin')} />
      <p>{t('admin.intro')}</p>
      {error ? (
        <>
          <ErrorMessage errorId={error} />
          <button type="button" className="button" onClick={() => void load()}>
            {t('app.retry')}
          </button>
        </>
      ) : !directory ? (
        <p role="status">{t('app.loading')}</p>
      ) : (
        <>
          <AgenciesSection
            agencies={directory.agencies}
            country={country}
            canAdd={administersNode(user)}
            onAdded={(agency) =>
              update((current) => ({ ...current, agencies: [...current.agencies, agency].sort(byCountryAndName) }))
            }
          />
          <TeamsSection
            teams={directory.teams}
            agencies={directory.agencies}
            users={directory.users}
            onChanged={(team) =>
              update((current) => ({
                ...current,
                teams: [...current.teams.filter((other) => other.id !== team.id), team].sort(
                  (a, b) => a.agencyId.localeCompare(b.agencyId) || a.name.localeCompare(b.name),
                ),
              }))
            }
          />
          <UsersSection
            users={directory.users}
            agencies={directory.agencies}
            teams={directory.teams}
            currentUserId={user.id}
            onChanged={(changed) =>
              update((current) => ({
                ...current,
                users: [...current.users.filter((other) => other.id !== changed.id), changed].sort((a, b) =>
                  a.email.localeCompare(b.email),
                ),
              }))
            }
          />
        </>
      )}
    </>
  );
}
