import { useCallback, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type Agency, api, type SessionUser } from '../../../api.ts';
import { PageHeading } from '../../../components/PageHeading.tsx';
import { ScrollingTable } from '../../../components/ScrollingTable.tsx';
import { Loaded, useResource } from '../../../components/useResource.tsx';
import { isolate } from '../../../i18n/i18n.ts';
import { Link } from '../../../router.tsx';
import { JitStatus, Parties, Period } from './JitFacts.tsx';
import { type Jit, jitApi, jitPath, mayManageSome } from './jit-api.ts';
import { NewJitForm } from './NewJitForm.tsx';

/** The teams this node takes part in, newest first, and the form to set one up for those who may. */
export function JitListPage({ user }: { user: SessionUser }) {
  const { t } = useTranslation();
  const ids = useId();
  const jits = useResource(
    useCallback(() => jitApi.list(), []),
    { live: true },
  );
  const agencies = useResource(useCallback(() => api.agencies(), []));
  const node = useResource(useCallback(() => api.node(), []));
  const [created, setCreated] = useState<Jit | null>(null);
  const status = useRef<HTMLParagraphElement>(null);

  useEffect(() => {
    if (created) status.current?.focus();
  }, [created]);

  return (
    <>
      <PageHeading title={t('cooperation.parts.jit.title')} />
      <p>{t('cooperation.jit.intro')}</p>
      <p ref={status} role="status" tabIndex={-1} className={created ? 'notice' : undefined}>
        {created && (
          <>
            {t('cooperation.jit.created', { name: isolate(created.name) })}{' '}
            <Link to={jitPath(created.id)}>{t('cooperation.jit.open', { name: isolate(created.name) })}</Link>
          </>
        )}
      </p>
      <section aria-labelledby={`${ids}-list`} className="section">
        <h2 id={`${ids}-list`}>{t('cooperation.jit.list.title')}</h2>
        <Loaded resource={jits}>
          {(rows) => (rows.length === 0 ? <p>{t('cooperation.jit.list.none')}</p> : <JitTable rows={rows} />)}
        </Loaded>
      </section>
      {mayManageSome(user) && (
        <Loaded resource={agencies}>
          {(list: Agency[]) => (
            <NewJitForm
              user={user}
              agencies={list}
              ownNode={node.data?.nodeId ?? null}
              onCreated={(jit) => {
                if (jits.data) jits.set([jit, ...jits.data]);
                setCreated(jit);
              }}
            />
          )}
        </Loaded>
      )}
    </>
  );
}

function JitTable({ rows }: { rows: Jit[] }) {
  const { t } = useTranslation();
  return (
    <ScrollingTable caption={t('cooperation.jit.list.caption', { count: rows.length })}>
      <thead>
        <tr>
          <th scope="col">{t('cooperation.jit.fields.name')}</th>
          <th scope="col">{t('cooperation.jit.fields.parties')}</th>
          <th scope="col">{t('cooperation.jit.fields.period')}</th>
          <th scope="col">{t('cooperation.jit.list.status')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((jit) => (
          <tr key={jit.id}>
            <th scope="row">
              <Link to={jitPath(jit.id)}>
                <bdi>{jit.name}</bdi>
              </Link>
            </th>
            <td>
              <Parties jit={jit} />
            </td>
            <td>
              <Period jit={jit} />
            </td>
            <td>
              <JitStatus jit={jit} />
            </td>
          </tr>
        ))}
      </tbody>
    </ScrollingTable>
  );
}
