import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Agency, CreatedUser, User } from '../../api.ts';
import { ScrollingTable } from '../../components/ScrollingTable.tsx';
import { DATE, useDateFormat } from '../../i18n/format.ts';
import { isolate } from '../../i18n/i18n.ts';
import { DisableDialog } from './DisableDialog.tsx';
import { NewUserKey } from './NewUserKey.tsx';
import { UserForm } from './UserForm.tsx';

interface UsersSectionProps {
  users: User[];
  agencies: Agency[];
  /** The signed-in administrator, who is not offered to disable their own account. */
  currentUserId: string;
  onChanged(user: User): void;
}

export function UsersSection({ users, agencies, currentUserId, onChanged }: UsersSectionProps) {
  const { t } = useTranslation();
  const ids = useId();
  const formatDate = useDateFormat(DATE);
  const notice = useRef<HTMLParagraphElement>(null);
  const [disabled, setDisabled] = useState<User | null>(null);
  const [toDisable, setToDisable] = useState<User | null>(null);
  const [created, setCreated] = useState<CreatedUser | null>(null);
  const [formAgain, setFormAgain] = useState(false);

  // The button the user pressed is gone with the account it disabled; the confirmation takes the focus instead.
  useEffect(() => {
    if (disabled) notice.current?.focus();
  }, [disabled]);

  return (
    <section aria-labelledby={`${ids}-title`} className="section">
      <h2 id={`${ids}-title`}>{t('users.title')}</h2>
      <p ref={notice} role="status" tabIndex={-1} className={disabled ? 'notice' : undefined}>
        {disabled && t('users.disabled', { name: isolate(disabled.displayName) })}
      </p>
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
                    <li key={`${grant.role}:${grant.agencyId ?? ''}`}>
                      {t(`roles.${grant.role}`)} ·{' '}
                      {grant.agencyName ? <bdi>{grant.agencyName}</bdi> : t('user.wholeNode')}
                    </li>
                  ))}
                </ul>
              </td>
              <td>
                {user.disabledAt ? t('users.disabledOn', { date: formatDate(user.disabledAt) }) : t('users.active')}
              </td>
              <td>
                {!user.disabledAt && user.id !== currentUserId && (
                  <button type="button" className="button secondary small" onClick={() => setToDisable(user)}>
                    {t('users.disable')}
                    <span className="visually-hidden">
                      {' '}
                      <bdi>{user.displayName}</bdi>
                    </span>
                  </button>
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
          onDisabled={(user) => {
            setToDisable(null);
            setDisabled(user);
            onChanged(user);
          }}
        />
      )}
      {created ? (
        <NewUserKey
          created={created}
          onDone={() => {
            setCreated(null);
            setFormAgain(true);
          }}
        />
      ) : (
        <UserForm
          agencies={agencies}
          focusTitle={formAgain}
          onCreated={(next) => {
            setCreated(next);
            onChanged(next.user);
          }}
        />
      )}
    </section>
  );
}
