import { useTranslation } from 'react-i18next';
import type { NodeInfo, Session } from '../../api.ts';
import { Frame } from '../../components/Frame.tsx';
import { Link, useRouter } from '../../router.tsx';
import { UserMenu } from '../auth/UserMenu.tsx';
import { MODULES, moduleAt, modulePath } from './modules.ts';
import { HomePage, ModulePage, NotFoundPage } from './pages.tsx';

interface ShellProps {
  node: NodeInfo;
  session: Session;
  onSignOut(): Promise<void>;
}

/** The frame around everything a signed-in user does. */
export function Shell({ node, session, onSignOut }: ShellProps) {
  const { path } = useRouter();
  const module = moduleAt(path);
  return (
    <Frame
      nodeName={node.nodeName}
      navigation={<MainNavigation />}
      account={<UserMenu user={session.user} onSignOut={onSignOut} />}
    >
      {path === '/' ? (
        <HomePage nodeName={node.nodeName} />
      ) : module ? (
        <ModulePage module={module} />
      ) : (
        <NotFoundPage />
      )}
    </Frame>
  );
}

function MainNavigation() {
  const { t } = useTranslation();
  return (
    <nav aria-label={t('nav.label')} className="main-navigation">
      <ul>
        <li>
          <Link to="/">{t('nav.home')}</Link>
        </li>
        {MODULES.map((module) => (
          <li key={module}>
            <Link to={modulePath(module)}>{t(`nav.${module}`)}</Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
