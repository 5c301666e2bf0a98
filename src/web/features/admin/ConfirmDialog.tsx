import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type ErrorId, ErrorMessage, errorIdOf } from '../../components/ErrorMessage.tsx';

interface ConfirmDialogProps<T> {
  title: string;
  body: string;
  /** The words on the button that does it, and while it is being done. */
  confirm: string;
  pending: string;
  /** What the confirmation does; the dialog stays open, with the error, when it fails. */
  action(): Promise<T>;
  onCancel(): void;
  onDone(result: T): void;
}

/**
 * Asks before an action that cannot simply be taken back; open while it is mounted. Escape or Cancel leaves everything
 * as it was, and the focus goes back to the button that opened it when that button is still there.
 */
export function ConfirmDialog<T>({ title, body, confirm, pending, action, onCancel, onDone }: ConfirmDialogProps<T>) {
  const { t } = useTranslation();
  const ids = useId();
  const dialog = useRef<HTMLDialogElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorId | null>(null);

  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    const opener = document.activeElement;
    element.showModal();
    // The harmless choice comes first, so that pressing Enter by mistake changes nothing.
    cancel.current?.focus();
    return () => {
      element.close();
      if (opener instanceof HTMLElement && opener.isConnected) opener.focus();
    };
  }, []);

  const run = async () => {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      onDone(await action());
    } catch (failure) {
      setError(errorIdOf(failure));
      setBusy(false);
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
      <h2 id={`${ids}-title`}>{title}</h2>
      <p id={`${ids}-body`}>{body}</p>
      {error && <ErrorMessage errorId={error} />}
      <div className="actions">
        <button ref={cancel} type="button" className="button secondary" onClick={onCancel}>
          {t('users.cancel')}
        </button>
        <button type="button" className="button danger" aria-disabled={busy} onClick={() => void run()}>
          {busy ? pending : confirm}
        </button>
      </div>
    </dialog>
  );
}
