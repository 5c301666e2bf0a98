/**
 * The app's areas, each a JavaScript file of its own that the browser fetches the first time the area is opened: a
 * case worker who never opens the administration pages never downloads them. Each export takes the same props as the
 * page it stands for and shows "Loading" while its file arrives.
 */
import { type ComponentProps, type ComponentType, lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';

function Loading() {
  const { t } = useTranslation();
  return <p role="status">{t('app.loading')}</p>;
}

// biome-ignore lint/suspicious/noExplicitAny: a lazily loaded component may take any props; each export says which.
function area<C extends ComponentType<any>>(load: () => Promise<C>) {
  const Lazy = lazy(async () => ({ default: await load() }));
  // biome-ignore lint/correctness/noComponentHookFactories: called once per area at module level, never in a render.
  return function Area(props: ComponentProps<C>) {
    return (
      <Suspense fallback={<Loading />}>
        <Lazy {...props} />
      </Suspense>
    );
  };
}

export const AdminPage = area(() => import('./features/admin/AdminPage.tsx').then((m) => m.AdminPage));
export const AuditPage = area(() => import('./features/audit/AuditPage.tsx').then((m) => m.AuditPage));
/** A case's evidence section: only those who work with evidence open it. */
export const EvidencePanel = area(() => import('./features/evidence/EvidencePanel.tsx').then((m) => m.EvidencePanel));
export const CasesArea = area(() => import('./features/cases/CasesArea.tsx').then((m) => m.CasesArea));
export const CooperationArea = area(() =>
  import('./features/cooperation/CooperationArea.tsx').then((m) => m.CooperationArea),
);
export const HomePage = area(() => import('./features/home/HomePage.tsx').then((m) => m.HomePage));
export const LinkageArea = area(() => import('./features/linkage/LinkageArea.tsx').then((m) => m.LinkageArea));
export const PeersPage = area(() => import('./features/peers/PeersPage.tsx').then((m) => m.PeersPage));
