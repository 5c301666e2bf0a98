import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type AuthOptions, api, type NodeInfo, type Session } from './api.ts';
import { ErrorMessage, errorIdOf } from './components/ErrorMessage.tsx';
import { Frame } from './components/Frame.tsx';
import { PageHeading } from './components/PageHeading.tsx';
import { queryClient } from './components/queries.ts';
import { SignInPage } from './features/auth/SignInPage.tsx';
import { Shell } from './features/shell/Shell.tsx';
import { useRouter } from './router.tsx';

interface Startup {
  node: NodeInfo;
  authOptions: AuthOptions;
}

/** Finds out which node this is and whether someone is signed in, then shows the sign-in page or the shell. */
export function App() {
  const { t } = useTranslation();
  const { navigate } = useRouter();
  const [startup, setStartup] = useState<Startup | null>(null);
  const [startupError, setStartupError] = useState<unknown>(null);
  const [session, setSession] = useState<Session | null>(null);
  const [signedOut, setSignedOut] = useState(false);

  const load = useCallback(async () => {
    setStartupError(null);
    try {
      const [node, authOptions, current] = await Promise.all([api.node(), api.authOptions(), api.session()]);
      setSession(current);
      setStartup({ node, authOptions });
    } catch (error) {
      setStartupError(error);
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  const onSession = (next: Session) => {
    setSession(next);
    setSignedOut(false);
    // Counts as a navigation so that the shell's heading takes the focus the sign-in form held.
    if (next.stage === 'complete') navigate(window.location.pathname, { replace: true });
  };

  const signOut = async () => {
    await api.logout();
    // What one person's session loaded must not be shown, even for an instant, to the next person signing in here.
    queryClient.clear();
    setSession(null);
    setSignedOut(true);
    navigate('/');
  };

  const restart = () => {
    setSession(null);
    // An unfinished sign-in expires on its own within minutes, so a failure to end it now changes nothing for the user.
    api.logout().catch(() => undefined);
  };

  if (startupError) {
    return (
      <Frame nodeName={null}>
        <PageHeading title={t('app.unavailableTitle')} />
        <ErrorMessage errorId={errorIdOf(startupError)} />
        <button type="button" className="button" onClick={() => void load()}>
          {t('app.retry')}
        </button>
      </Frame>
    );
  }
  if (!startup) {
    return (
      <Frame nodeName={null}>
        <p role="status">{t('app.loading')}</p>
      </Frame>
    );
  }
  if (session?.stage === 'complete') return <Shell node={startup.node} session={session} onSignOut={signOut} />;
  return (
    <Frame nodeName={startup.node.nodeName}>
      <SignInPage
        authOptions={startup.authOptions}
        pending={session}
        signedOut={signedOut}
        onSession={onSession}
        onRestart={restart}
      />
    </Frame>
  );
}
