import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Session } from '../../api.ts';
import { type ErrorId, ErrorMessage, errorIdOf } from '../../components/ErrorMessage.tsx';

export function PasswordForm({ onSession }: { onSession(session: Session): void }) {
  const { t } = useTranslation();
  const ids = useId();
  const [error, setError] = useState<ErrorId | null>(null);
  const [pending, setPending] = useState(false);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (pending) return;
    const form = new FormData(event.currentTarget);
    const email = String(form.get('email') ?? '').trim();
    const password = String(form.get('password') ?? '');
    if (!email || !password) {
      setError('missing_credentials');
      return;
    }
    setPending(true);
    setError(null);
    try {
      onSession(await api.login(email, password));
    } catch (failure) {
      setError(errorIdOf(failure));
      setPending(false);
    }
  };

  const errorId = `${ids}-error`;
  const invalid = error ? { 'aria-invalid': true, 'aria-describedby': errorId } : {};
  return (
    // The browser's own validation bubbles speak the browser's language, not the one chosen here.
    <form className="form" noValidate onSubmit={submit}>
      {error && <ErrorMessage id={errorId} errorId={error} />}
      <div className="field">
        <label htmlFor={`${ids}-email`}>{t('signIn.email')}</label>
        <input id={`${ids}-email`} name="email" type="email" autoComplete="username" required {...invalid} />
      </div>
      <div className="field">
        <label htmlFor={`${ids}-password`}>{t('signIn.password')}</label>
        <input
          id={`${ids}-password`}
          name="password"
          type="password"
          autoComplete="current-password"
          required
          {...invalid}
        />
      </div>
      <button type="submit" className="button" aria-disabled={pending}>
        {pending ? t('signIn.submitting') : t('signIn.submit')}
      </button>
    </form>
  );
}
