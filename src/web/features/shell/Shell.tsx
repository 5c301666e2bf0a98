import { useTranslation } from 'react-i18next';
import type { NodeInfo, Session, SessionUser } from '../../api.ts';
import { AdminPage, AuditPage, CasesArea, CooperationArea, LinkageArea, PeersPage } from '../../areas.tsx';
import { Frame } from '../../components/Frame.tsx';
import { Link, useRouter } from '../../router.tsx';
import { UserMenu } from '../auth/UserMenu.tsx';
import { type PageId, pageAt, pagePath, pagesFor } from './modules.ts';
import { HomePage, ModulePage, NotFoundPage } from './pages.tsx';

/** Pages with tables that use the whole width of the window. */
const WIDE: readonly PageId[] = ['audit', 'admin', 'cases', 'cooperation', 'linkage', 'peers'];

interface ShellProps {
  node: NodeInfo;
  session: Session;
  onSignOut(): Promise<void>;
}

/** The frame around everything a signed-in user does. */
export function Shell({ node, session, onSignOut }: ShellProps) {
  const { path } = useRouter();
  const page = pageAt(path, session.user);
  return (
    <Frame
      nodeName={node.nodeName}
      navigation={<MainNavigation user={session.user} />}
      account={<UserMenu user={session.user} onSignOut={onSignOut} />}
      wide={page !== null && WIDE.includes(page)}
    >
      {path === '/' ? <HomePage nodeName={node.nodeName} /> : <Page page={page} node={node} user={session.user} />}
    </Frame>
  );
}

function Page({ page, node, user }: { page: PageId | null; node: NodeInfo; user: SessionUser }) {
  switch (page) {
    case null:
      return <NotFoundPage />;
    case 'audit':
      return <AuditPage />;
    case 'admin':
      return <AdminPage country={node.country ?? ''} user={user} />;
    case 'cases':
      return <CasesArea user={user} />;
    case 'peers':
      return <PeersPage />;
    case 'cooperation':
      return <CooperationArea user={user} />;
    case 'linkage':
      return <LinkageArea user={user} nodeId={node.nodeId} />;
    default:
      return <ModulePage module={page} />;
  }
}

function MainNavigation({ user }: { user: SessionUser }) {
  const { t } = useTranslation();
  return (
    <nav aria-label={t('nav.label')} className="main-navigation">
      <ul>
        <li>
          <Link to="/">{t('nav.home')}</Link>
        </li>
        {pagesFor(user).map((page) => (
          <li key={page}>
            <Link to={pagePath(page)} section>
              {t(`nav.${page}`)}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
