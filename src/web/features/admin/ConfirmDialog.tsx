import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type ErrorId, ErrorMessage, errorIdOf } from '../../components/ErrorMessage.tsx';
import { TextAreaField } from '../../components/Field.tsx';

interface ConfirmDialogProps<T> {
  title: string;
  body: string;
  /** The words on the button that does it, and while it is being done. */
  confirm: string;
  pending: string;
  /** Asks for the reason too, with this label and hint; the reason, trimmed, goes to `action`. */
  reason?: { label: string; hint?: string };
  /** What the confirmation does; the dialog stays open, with the error, when it fails. */
  action(reason: string): Promise<T>;
  onCancel(): void;
  onDone(result: T): void;
}

/**
 * Asks before an action that cannot simply be taken back; open while it is mounted. Escape or Cancel leaves everything
 * as it was, and the focus goes back to the button that opened it when that button is still there.
 */
export function ConfirmDialog<T>({
  title,
  body,
  confirm,
  pending,
  reason,
  action,
  onCancel,
  onDone,
}: ConfirmDialogProps<T>) {
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
    // The reason, when asked for, else the harmless choice, so that pressing Enter by mistake changes nothing.
    (element.querySelector('textarea') ?? cancel.current)?.focus();
    return () => {
      element.close();
      if (opener instanceof HTMLElement && opener.isConnected) opener.focus();
    };
  }, []);

  const run = async () => {
    if (busy) return;
    const reasonText = dialog.current?.querySelector('textarea');
    const given = reasonText?.value.trim() ?? '';
    if (reason && !given) {
      setError('reason_missing');
      reasonText?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      onDone(await action(given));
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
      onCancel={(event) => {
        // Escape closes the dialog through React, so that the button that opened it cannot be pressed again before
        // the dialog is gone from the state (it would then not open).
        event.preventDefault();
        onCancel();
      }}
      onClose={onCancel}
    >
      <h2 id={`${ids}-title`}>{title}</h2>
      <p id={`${ids}-body`}>{body}</p>
      {error && <ErrorMessage id={`${ids}-error`} errorId={error} />}
      {reason && (
        <TextAreaField
          label={reason.label}
          hint={reason.hint}
          name="reason"
          required
          maxLength={2000}
          errorId={error === 'reason_missing' ? `${ids}-error` : undefined}
        />
      )}
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
