import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type Agency, api, type CreatedUser, type Team, type User } from '../../api.ts';
import { type ErrorId, ErrorMessage, errorIdOf } from '../../components/ErrorMessage.tsx';
import { ScrollingTable } from '../../components/ScrollingTable.tsx';
import { DATE, useDateFormat } from '../../i18n/format.ts';
import { isolate } from '../../i18n/i18n.ts';
import { NewUserKey } from './NewUserKey.tsx';
import { DisableDialog, ResetKeyDialog } from './UserDialogs.tsx';
import { UserForm } from './UserForm.tsx';

interface UsersSectionProps {
  users: User[];
  agencies: Agency[];
  /** For grants narrowed to a team. */
  teams: Team[];
  /** The signed-in administrator, who is not offered to disable their own account or replace their own key. */
  currentUserId: string;
  onChanged(user: User): void;
}

/** What last happened to an account from the table, announced above it. */
interface Change {
  kind: 'disabled' | 'enabled';
  user: User;
}

/** A key to hand over: the new user's, or the one that replaced a lost key. */
interface IssuedKey {
  issued: CreatedUser;
  reason: 'created' | 'reset';
}

export function UsersSection({ users, agencies, teams, currentUserId, onChanged }: UsersSectionProps) {
  const { t } = useTranslation();
  const ids = useId();
  const formatDate = useDateFormat(DATE);
  const notice = useRef<HTMLParagraphElement>(null);
  const [change, setChange] = useState<Change | null>(null);
  const [error, setError] = useState<ErrorId | null>(null);
  const [enabling, setEnabling] = useState<string | null>(null);
  const [toDisable, setToDisable] = useState<User | null>(null);
  const [toReset, setToReset] = useState<User | null>(null);
  const [key, setKey] = useState<IssuedKey | null>(null);
  const [formAgain, setFormAgain] = useState(false);

  // The button the user pressed is gone with the state it changed; the confirmation takes the focus instead.
  useEffect(() => {
    if (change) notice.current?.focus();
  }, [change]);

  const changed = (next: Change) => {
    setError(null);
    setChange(next);
    onChanged(next.user);
  };

  const enable = async (user: User) => {
    if (enabling) return;
    setEnabling(user.id);
    setError(null);
    try {
      changed({ kind: 'enabled', user: await api.enableUser(user.id) });
    } catch (failure) {
      setError(errorIdOf(failure));
    } finally {
      setEnabling(null);
    }
  };

  const named = (user: User) => (
    <span className="visually-hidden">
      {' '}
      <bdi>{user.displayName}</bdi>
    </span>
  );

  return (
    <section aria-labelledby={`${ids}-title`} className="section">
      <h2 id={`${ids}-title`}>{t('users.title')}</h2>
      <p ref={notice} role="status" tabIndex={-1} className={change ? 'notice' : undefined}>
        {change && t(`users.${change.kind}`, { name: isolate(change.user.displayName) })}
      </p>
      {error && <ErrorMessage errorId={error} />}
      <ScrollingTable caption={t('users.count', { count: users.length })}>
        <thead>
          <tr>
            <th scope="col">{t('users.name')}</th>
            <th scope="col">{t('users.email')}</th>
            <th scope="col">{t('users.roles')}</th>
            <th scope="col">{t('users.status')}</th>
            <th scope="col">{t('users.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {users.map((user) => (
            <tr key={user.id}>
              <th scope="row">
                <bdi>{user.displayName}</bdi>
              </th>
              <td className="identifier">
                <bdi>{user.email}</bdi>
              </td>
              <td>
                <ul className="plain">
                  {user.roles.map((grant) => (
                    <li key={`${grant.role}:${grant.agencyId ?? ''}:${grant.reach}:${grant.teamId ?? ''}`}>
                      {t(`roles.${grant.role}`)} ·{' '}
                      {grant.agencyName ? <bdi>{grant.agencyName}</bdi> : t('user.wholeNode')}
                      {grant.reach === 'own' && <> · {t('users.reaches.own')}</>}
                      {grant.reach === 'team' && (
                        <>
                          {' · '}
                          {t('users.teamReach', { team: grant.teamName ?? '' })}
                        </>
                      )}
                    </li>
                  ))}
                </ul>
              </td>
              <td>
                {user.disabledAt ? t('users.disabledOn', { date: formatDate(user.disabledAt) }) : t('users.active')}
              </td>
              <td>
                {user.disabledAt ? (
                  <button
                    type="button"
                    className="button secondary small"
                    aria-disabled={enabling === user.id}
                    onClick={() => void enable(user)}
                  >
                    {enabling === user.id ? t('users.enabling') : t('users.enable')}
                    {named(user)}
                  </button>
                ) : (
                  user.id !== currentUserId && (
                    <div className="actions compact">
                      <button type="button" className="button secondary small" onClick={() => setToDisable(user)}>
                        {t('users.disable')}
                        {named(user)}
                      </button>
                      <button type="button" className="button secondary small" onClick={() => setToReset(user)}>
                        {t('users.resetKey')}
                        {named(user)}
                      </button>
                    </div>
                  )
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </ScrollingTable>
      {toDisable && (
        <DisableDialog
          user={toDisable}
          onCancel={() => setToDisable(null)}
          onDone={(user) => {
            setToDisable(null);
            changed({ kind: 'disabled', user });
          }}
        />
      )}
      {toReset && (
        <ResetKeyDialog
          user={toReset}
          onCancel={() => setToReset(null)}
          onDone={(issued) => {
            setToReset(null);
            setChange(null);
            setError(null);
            setKey({ issued, reason: 'reset' });
            onChanged(issued.user);
          }}
        />
      )}
      {key ? (
        <NewUserKey
          // A key replacing one still on screen is a new panel, so that its heading takes the focus again.
          key={key.issued.totp.secret}
          created={key.issued}
          reason={key.reason}
          onDone={() => {
            setKey(null);
            setFormAgain(true);
          }}
        />
      ) : (
        <UserForm
          agencies={agencies}
          teams={teams}
          focusTitle={formAgain}
          onCreated={(issued) => {
            setKey({ issued, reason: 'created' });
            onChanged(issued.user);
          }}
        />
      )}
    </section>
  );
}
