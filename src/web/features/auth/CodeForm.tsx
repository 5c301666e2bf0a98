import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Session } from '../../api.ts';
import { type ErrorId, ErrorMessage, errorIdOf } from '../../components/ErrorMessage.tsx';

interface CodeFormProps {
  onSession(session: Session): void;
  onRestart(): void;
}

/** The second step of signing in: the current code of the user's authenticator app. */
export function CodeForm({ onSession, onRestart }: CodeFormProps) {
  const { t } = useTranslation();
  const ids = useId();
  const input = useRef<HTMLInputElement>(null);
  const [error, setError] = useState<ErrorId | null>(null);
  const [pending, setPending] = useState(false);

  // The password form this replaces held the focus; the code field is where the user goes next.
  useEffect(() => {
    input.current?.focus();
  }, []);

  const askAgain = (errorId: ErrorId) => {
    setError(errorId);
    if (input.current) {
      input.current.value = '';
      input.current.focus();
    }
  };

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (pending) return;
    // Authenticator apps show the code in groups ("123 456"); people type it that way.
    const code = String(new FormData(event.currentTarget).get('code') ?? '').replace(/\s/g, '');
    if (!/^\d{6}$/.test(code)) {
      askAgain('code_format');
      return;
    }
    setPending(true);
    setError(null);
    try {
      onSession(await api.secondFactor(code));
    } catch (failure) {
      setPending(false);
      askAgain(errorIdOf(failure));
    }
  };

  const errorId = `${ids}-error`;
  return (
    <form className="form" noValidate onSubmit={submit}>
      <p id={`${ids}-intro`}>{t('signIn.codeIntro')}</p>
      {error && <ErrorMessage id={errorId} errorId={error} />}
      <div className="field">
        <label htmlFor={`${ids}-code`}>{t('signIn.code')}</label>
        <input
          ref={input}
          id={`${ids}-code`}
          name="code"
          className="code"
          inputMode="numeric"
          autoComplete="one-time-code"
          maxLength={7}
          required
          aria-describedby={error ? `${errorId} ${ids}-intro` : `${ids}-intro`}
          aria-invalid={error ? true : undefined}
        />
      </div>
      <div className="actions">
        <button type="submit" className="button" aria-disabled={pending}>
          {pending ? t('signIn.verifying') : t('signIn.verify')}
        </button>
        <button type="button" className="button link" onClick={onRestart}>
          {t('signIn.startAgain')}
        </button>
      </div>
    </form>
  );
}
