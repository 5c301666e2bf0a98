import { useCallback, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Purpose, type SessionUser } from '../../../api.ts';
import { PageHeading } from '../../../components/PageHeading.tsx';
import { Loaded, useResource } from '../../../components/useResource.tsx';
import { Link } from '../../../router.tsx';
import { AgencyForm } from './AgencyForm.tsx';
import { Agreement } from './JitFacts.tsx';
import { allowsInJit, JIT_PURPOSES, type Jit, type JitEntry, type JitSpace, jitApi, withEntry } from './jit-api.ts';
import { PurposeForm } from './PurposeForm.tsx';
import { SharedSpace } from './SharedSpace.tsx';

/**
 * A team: its agreement, and its shared space once the user has said why they read it. Coordinators and node
 * administrators see the agreement and name the agencies of this node taking part; investigators and prosecutors of
 * those agencies read and write in the space.
 */
export function JitPage({ id, user }: { id: string; user: SessionUser }) {
  const { t } = useTranslation();
  // The list is where the agreement can be read without a purpose: the space itself is read for one, and audited.
  const jits = useResource(useCallback(() => jitApi.list(), []));
  return (
    <Loaded resource={jits}>
      {(list) => {
        const jit = list.find((candidate) => candidate.id === id);
        if (!jit)
          return (
            <>
              <PageHeading title={t('cooperation.parts.jit.title')} />
              <BackLink />
              <p>{t('cooperation.jit.notFound')}</p>
            </>
          );
        return (
          <JitView
            jit={jit}
            user={user}
            onChanged={(changed) => jits.set(list.map((one) => (one.id === changed.id ? changed : one)))}
          />
        );
      }}
    </Loaded>
  );
}

function BackLink() {
  const { t } = useTranslation();
  return (
    <p>
      <Link to="/cooperation/jit">{t('cooperation.jit.back')}</Link>
    </p>
  );
}

interface JitViewProps {
  jit: Jit;
  user: SessionUser;
  onChanged(jit: Jit): void;
}

function JitView({ jit, user, onChanged }: JitViewProps) {
  const { t } = useTranslation();
  const ids = useId();
  const agencies = useResource(useCallback(() => api.agencies(), []));
  const node = useResource(useCallback(() => api.node(), []));
  const [read, setRead] = useState<{ purpose: Purpose; space: JitSpace } | null>(null);
  const [reading, setReading] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  // Counts the openings of the space: the notice that says it was opened then takes the focus from the purpose form.
  const [openings, setOpenings] = useState(0);
  const notice = useRef<HTMLParagraphElement>(null);
  const purposes = JIT_PURPOSES.filter((purpose) => allowsInJit(user, 'jit.read', jit, purpose));
  const canManage = allowsInJit(user, 'jit.manage', jit);

  useEffect(() => {
    if (openings > 0) notice.current?.focus();
  }, [openings]);

  const open = async (purpose: Purpose) => {
    setFailure(null);
    const space = await jitApi.get(jit.id, purpose);
    setRead({ purpose, space });
    setOpenings((n) => n + 1);
  };

  // Reads the space again for the same purpose: the other parties' entries arrive on their own time.
  const refresh = async () => {
    if (!read || reading) return;
    setReading(true);
    setFailure(null);
    try {
      setRead({ purpose: read.purpose, space: await jitApi.get(jit.id, read.purpose) });
    } catch {
      setFailure(t('cooperation.jit.space.refreshFailed'));
    } finally {
      setReading(false);
    }
  };

  const added = (entry: JitEntry) => {
    if (read) setRead({ ...read, space: withEntry(read.space, entry) });
  };

  const shown = read?.space ?? jit;
  return (
    <>
      <PageHeading title={jit.name} />
      <BackLink />
      <Agreement jit={shown} />
      {canManage && !jit.ended && (
        <Loaded resource={agencies}>
          {(list) => (
            <AgencyForm
              jit={shown}
              agencies={list}
              onAdded={(changed) => {
                onChanged(changed);
                if (read) void refresh();
              }}
            />
          )}
        </Loaded>
      )}
      <section aria-labelledby={`${ids}-space`} className="section">
        <h2 id={`${ids}-space`}>{t('cooperation.jit.space.title')}</h2>
        {purposes.length === 0 ? (
          <p>{t(jit.agencyIds.length === 0 ? 'cooperation.jit.space.noAgency' : 'cooperation.jit.space.notYours')}</p>
        ) : read ? (
          <>
            <p ref={notice} tabIndex={-1} className="notice">
              {t('cooperation.jit.space.logged', { purpose: t(`purposes.${read.purpose}`) })}
            </p>
            <div className="actions">
              <button type="button" className="button secondary" aria-disabled={reading} onClick={() => void refresh()}>
                {reading ? t('cooperation.jit.space.refreshing') : t('cooperation.jit.refresh')}
              </button>
            </div>
            <p role="status">{failure}</p>
          </>
        ) : (
          <PurposeForm purposes={purposes} onPurpose={open} />
        )}
      </section>
      {read && (
        <SharedSpace
          space={read.space}
          user={user}
          ownNode={node.data?.nodeId ?? null}
          onEntry={added}
          onStale={() => void refresh()}
        />
      )}
    </>
  );
}
