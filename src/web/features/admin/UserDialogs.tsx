import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type User } from '../../api.ts';
import { type ErrorId, ErrorMessage, errorIdOf } from '../../components/ErrorMessage.tsx';
import { isolate } from '../../i18n/i18n.ts';

interface DisableDialogProps {
  user: User;
  onCancel(): void;
  onDisabled(user: User): void;
}

/** Asks before disabling an account; open while it is mounted. Escape or Cancel leaves everything as it was. */
export function DisableDialog({ user, onCancel, onDisabled }: DisableDialogProps) {
  const { t } = useTranslation();
  const ids = useId();
  const dialog = useRef<HTMLDialogElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<ErrorId | null>(null);

  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    const opener = document.activeElement;
    element.showModal();
    // The harmless choice comes first, so that pressing Enter by mistake disables no one.
    cancel.current?.focus();
    return () => {
      element.close();
      if (opener instanceof HTMLElement && opener.isConnected) opener.focus();
    };
  }, []);

  const confirm = async () => {
    if (pending) return;
    setPending(true);
    setError(null);
    try {
      onDisabled(await api.disableUser(user.id));
    } catch (failure) {
      setError(errorIdOf(failure));
      setPending(false);
    }
  };

  return (
    <dialog
      ref={dialog}
      className="dialog"
      aria-labelledby={`${ids}-title`}
      aria-describedby={`${ids}-body`}
      onClose={onCancel}
    >
      <h2 id={`${ids}-title`}>{t('users.confirmTitle')}</h2>
      <p id={`${ids}-body`}>{t('users.confirmBody', { name: isolate(user.displayName) })}</p>
      {error && <ErrorMessage errorId={error} />}
      <div className="actions">
        <button ref={cancel} type="button" className="button secondary" onClick={onCancel}>
          {t('users.cancel')}
        </button>
        <button type="button" className="button danger" aria-disabled={pending} onClick={() => void confirm()}>
          {pending ? t('users.disabling') : t('users.confirm')}
        </button>
      </div>
    </dialog>
  );
}
