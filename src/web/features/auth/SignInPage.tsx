import { useTranslation } from 'react-i18next';
import type { AuthOptions, Session } from '../../api.ts';
import { PageHeading } from '../../components/PageHeading.tsx';
import { isolate } from '../../i18n/i18n.ts';
import { CodeForm } from './CodeForm.tsx';
import { PasswordForm } from './PasswordForm.tsx';

interface SignInPageProps {
  authOptions: AuthOptions;
  /** A session still waiting for its second factor, e.g. after a reload or an OIDC sign-in. */
  pending: Session | null;
  signedOut: boolean;
  onSession(session: Session): void;
  onRestart(): void;
}

export function SignInPage({ authOptions, pending, signedOut, onSession, onRestart }: SignInPageProps) {
  const { t } = useTranslation();
  if (pending?.stage === 'second_factor') {
    return (
      <div className="sign-in">
        <PageHeading title={t('signIn.codeTitle')} />
        <CodeForm onSession={onSession} onRestart={onRestart} />
      </div>
    );
  }
  return (
    <div className="sign-in">
      <PageHeading title={t('signIn.title')} />
      {signedOut && (
        <p role="status" className="notice">
          {t('signIn.signedOut')}
        </p>
      )}
      <PasswordForm onSession={onSession} />
      {authOptions.oidc && (
        <p className="alternative">
          <a className="button secondary" href={authOptions.oidc.url}>
            {t('signIn.oidc', { label: isolate(authOptions.oidc.label) })}
          </a>
        </p>
      )}
    </div>
  );
}
