import { useTranslation } from 'react-i18next';
import type { NodeInfo, Session, SessionUser } from '../../api.ts';
import { AdminPage, AuditPage, CasesArea, CooperationArea, HomePage, LinkageArea, PeersPage } from '../../areas.tsx';
import { Frame } from '../../components/Frame.tsx';
import { Link, useRouter } from '../../router.tsx';
import { UserMenu } from '../auth/UserMenu.tsx';
import { useWorkQueue, type WorkQueue, waitingCount } from '../home/work-queue-api.ts';
import { type PageId, pageAt, pagePath, pagesFor } from './modules.ts';
import { NotFoundPage } from './pages.tsx';

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
      wide={path === '/' || (page !== null && WIDE.includes(page))}
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
  }
}

/** What waits in each area of the menu, from the work queue: the badges beside their names. */
function badges(queue: WorkQueue | null): Partial<Record<PageId | 'home', number>> {
  if (!queue) return {};
  const { counts } = queue;
  return {
    home: waitingCount(queue),
    cooperation: counts.cross_border_referral + counts.mla_deadline,
    linkage: counts.linkage_alert,
  };
}

function MainNavigation({ user }: { user: SessionUser }) {
  const { t } = useTranslation();
  const counts = badges(useWorkQueue().data);
  return (
    <nav aria-label={t('nav.label')} className="main-navigation">
      <ul>
        <li>
          <Link to="/">
            {t('nav.home')}
            <Badge count={counts.home} />
          </Link>
        </li>
        {pagesFor(user).map((page) => (
          <li key={page}>
            <Link to={pagePath(page)} section>
              {t(`nav.${page}`)}
              <Badge count={counts[page]} />
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** A count beside a menu entry, read out with what it counts ("3 waiting"); nothing when there is nothing. */
function Badge({ count }: { count: number | undefined }) {
  const { t } = useTranslation();
  if (!count) return null;
  return (
    <>
      {' '}
      <span className="badge" aria-hidden="true">
        {count}
      </span>
      <span className="visually-hidden">{t('nav.waiting', { count })}</span>
    </>
  );
}
