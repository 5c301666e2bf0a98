import { useCallback, useEffect, useState } from 'react';
import { api, type SessionUser } from '../../api.ts';
import { useResource } from '../../components/useResource.tsx';
import { useRouter } from '../../router.tsx';
import { NotFoundPage } from '../shell/pages.tsx';
import { CaseListPage, type ListState } from './CaseListPage.tsx';
import { CasePage, isCaseSection } from './CasePage.tsx';
import { casesApi } from './cases-api.ts';
import { ImportPage } from './ImportPage.tsx';
import { NewCasePage } from './NewCasePage.tsx';
import { agenciesWhere } from './vocabulary.ts';

const FIRST_PAGE: ListState = { filter: { limit: 20, offset: 0 }, search: null };

/**
 * Everything under /cases: the list with its search, a new first report, an HTCDS import, and each case. The list remembers its
 * filters and search while the user opens cases from it, in memory only: identity values typed into the search never
 * reach the address bar or the browser's storage.
 */
export function CasesArea({ user }: { user: SessionUser }) {
  const { path, navigate } = useRouter();
  const [list, setList] = useState<ListState>(FIRST_PAGE);
  const [created, setCreated] = useState<string | null>(null);
  const agencies = useResource(useCallback(() => api.agencies(), []));
  const agencyName = (id: string) => agencies.data?.find((agency) => agency.id === id)?.name ?? id;
  const creating = agenciesWhere(user, 'case.create');
  const canCreate = creating === null || creating.length > 0;
  const importing = agenciesWhere(user, 'htcds.import');
  const canImport = importing === null || importing.length > 0;

  // The confirmation of a new report shows once, on the case it opened.
  useEffect(() => {
    setCreated((id) => (id && path === `/cases/${encodeURIComponent(id)}` ? id : null));
  }, [path]);

  const rest = path.slice('/cases'.length);
  if (rest === '' || rest === '/') {
    return (
      <CaseListPage
        user={user}
        state={list}
        onState={setList}
        agencyName={agencyName}
        canCreate={canCreate}
        canImport={canImport}
      />
    );
  }
  if (rest === '/import') {
    if (!canImport) return <NotFoundPage />;
    const choices = (agencies.data ?? []).filter((agency) => importing === null || importing.includes(agency.id));
    return <ImportPage agencies={choices} />;
  }
  if (rest.startsWith('/ref/')) return <CaseByReference reference={decodeURIComponent(rest.slice('/ref/'.length))} />;
  if (rest === '/new') {
    if (!canCreate) return <NotFoundPage />;
    const choices = (agencies.data ?? []).filter((agency) => creating === null || creating.includes(agency.id));
    return (
      <NewCasePage
        agencies={choices}
        chooseAgency={creating === null || creating.length > 1}
        onCreated={(opened) => {
          setCreated(opened.id);
          navigate(`/cases/${encodeURIComponent(opened.id)}`);
        }}
      />
    );
  }
  // /cases/{id} or /cases/{id}/{section}: the section a case page shows is in its address.
  const [idPart = '', section, ...beyond] = rest.slice(1).split('/');
  const id = decodeURIComponent(idPart);
  if (beyond.length > 0 || (section !== undefined && !isCaseSection(section))) return <NotFoundPage />;
  return (
    <CasePage
      key={id}
      caseId={id}
      section={section ?? null}
      user={user}
      agencies={agencies.data ?? []}
      justCreated={created === id}
    />
  );
}

/**
 * A case named by its reference, as an import reports them: opens the case's own page, in place of this address so
 * that Back returns to where the link was.
 */
function CaseByReference({ reference }: { reference: string }) {
  const { navigate } = useRouter();
  const [missing, setMissing] = useState(false);
  useEffect(() => {
    let current = true;
    casesApi
      .list({ reference, limit: 20, offset: 0 })
      .then(({ cases }) => {
        const found = cases.find((summary) => summary.reference === reference);
        if (!current) return;
        if (found) navigate(`/cases/${encodeURIComponent(found.id)}`, { replace: true });
        else setMissing(true);
      })
      .catch(() => current && setMissing(true));
    return () => {
      current = false;
    };
  }, [reference, navigate]);
  return missing ? <NotFoundPage /> : null;
}
