import { useTranslation } from 'react-i18next';
import { api, type CreatedUser, type User } from '../../api.ts';
import { isolate } from '../../i18n/i18n.ts';
import { ConfirmDialog } from './ConfirmDialog.tsx';

interface UserDialogProps<T> {
  user: User;
  onCancel(): void;
  onDone(result: T): void;
}

/** Asks before disabling an account, which ends the person's open sessions. */
export function DisableDialog({ user, onCancel, onDone }: UserDialogProps<User>) {
  const { t } = useTranslation();
  return (
    <ConfirmDialog
      title={t('users.confirmTitle')}
      body={t('users.confirmBody', { name: isolate(user.displayName) })}
      confirm={t('users.confirm')}
      pending={t('users.disabling')}
      action={() => api.disableUser(user.id)}
      onCancel={onCancel}
      onDone={onDone}
    />
  );
}

/** Asks before issuing a new authenticator key, which makes the old one useless and signs the person out. */
export function ResetKeyDialog({ user, onCancel, onDone }: UserDialogProps<CreatedUser>) {
  const { t } = useTranslation();
  return (
    <ConfirmDialog
      title={t('users.resetTitle')}
      body={t('users.resetBody', { name: isolate(user.displayName) })}
      confirm={t('users.resetConfirm')}
      pending={t('users.resetting')}
      action={() => api.resetSecondFactor(user.id)}
      onCancel={onCancel}
      onDone={onDone}
    />
  );
}
