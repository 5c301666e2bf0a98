import { type ReactNode, useCallback, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SessionUser } from '../../api.ts';
import { ScrollingTable } from '../../components/ScrollingTable.tsx';
import { Loaded, useResource } from '../../components/useResource.tsx';
import { DATE_TIME, useDateFormat, useListFormat } from '../../i18n/format.ts';
import { allows } from '../cases/vocabulary.ts';
import { shortVersion, useScoreFormat } from './AlertTable.tsx';
import { GroupForm } from './GroupForm.tsx';
import { type LinkageGroup, linkageApi, type RecordKind } from './linkage-api.ts';
import { type Problem, ProblemMessage, problemOf } from './linkage-errors.tsx';
import { SecretForm } from './SecretForm.tsx';

/**
 * The node's linkage groups: members, schema versions, threshold, legal basis and whether the shared secret is
 * installed here (its fingerprint, never the secret). Administrators make groups and install secrets; they and
 * coordinators send the unit what changed.
 */
export function GroupsSection({ user, nodeId }: { user: SessionUser; nodeId: string }) {
  const { t } = useTranslation();
  const ids = useId();
  const groups = useResource(useCallback(() => linkageApi.groups(), []));
  const manages = allows(user, 'linkage.manage', null);
  const submits = allows(user, 'linkage.submit', null);
  const [secretFor, setSecretFor] = useState<LinkageGroup | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [failure, setFailure] = useState<Problem | null>(null);
  const [submitting, setSubmitting] = useState<string | null>(null);

  const replace = (changed: LinkageGroup) => {
    if (groups.data) groups.set(groups.data.map((group) => (group.id === changed.id ? changed : group)));
  };
  const submit = async (group: LinkageGroup) => {
    if (submitting) return;
    setSubmitting(group.id);
    setDone(null);
    setFailure(null);
    try {
      const result = await linkageApi.submit(group.id);
      setDone(t('linkage.groups.submitted', { name: group.name, ...result }));
    } catch (error) {
      setFailure(problemOf(error));
    } finally {
      setSubmitting(null);
    }
  };

  return (
    <section aria-labelledby={`${ids}-title`} className="section">
      <h2 id={`${ids}-title`}>{t('linkage.groups.title')}</h2>
      <p>{t('linkage.groups.intro')}</p>
      <p role="status" className={done ? 'notice' : undefined}>
        {done}
      </p>
      {failure && <ProblemMessage problem={failure} />}
      <Loaded resource={groups}>
        {(rows) =>
          rows.length === 0 ? (
            <p>{t('linkage.groups.none')}</p>
          ) : (
            <GroupTable
              groups={rows}
              actions={(group) =>
                group.role === 'owner' && (
                  <div className="actions compact">
                    {manages && (
                      <button
                        type="button"
                        className="button secondary small"
                        onClick={() => {
                          setDone(null);
                          setFailure(null);
                          setSecretFor(group);
                        }}
                      >
                        {group.secret ? t('linkage.secret.rotate') : t('linkage.secret.install')}
                        <span className="visually-hidden"> {group.name}</span>
                      </button>
                    )}
                    {submits && (
                      <button
                        type="button"
                        className="button small"
                        aria-disabled={submitting === group.id}
                        onClick={() => void submit(group)}
                      >
                        {submitting === group.id ? t('linkage.groups.submitting') : t('linkage.groups.submit')}
                        <span className="visually-hidden"> {group.name}</span>
                      </button>
                    )}
                  </div>
                )
              }
            />
          )
        }
      </Loaded>
      {secretFor && (
        <SecretForm
          key={secretFor.id}
          group={secretFor}
          onCancel={() => setSecretFor(null)}
          onInstalled={(updated) => {
            replace(updated);
            setSecretFor(null);
            setDone(
              t('linkage.secret.installed', { name: updated.name, fingerprint: updated.secret?.fingerprint ?? '' }),
            );
          }}
        />
      )}
      {manages && (
        <GroupForm
          nodeId={nodeId}
          onCreated={(created) => {
            groups.set([...(groups.data ?? []), created]);
            setDone(t('linkage.groups.created', { name: created.name }));
          }}
        />
      )}
    </section>
  );
}

function GroupTable({ groups, actions }: { groups: LinkageGroup[]; actions(group: LinkageGroup): ReactNode }) {
  const { t } = useTranslation();
  const formatTime = useDateFormat(DATE_TIME);
  const list = useListFormat();
  const formatThreshold = useScoreFormat();
  return (
    <ScrollingTable caption={t('linkage.groups.caption', { count: groups.length })}>
      <thead>
        <tr>
          <th scope="col">{t('linkage.groups.name')}</th>
          <th scope="col">{t('linkage.groups.unit')}</th>
          <th scope="col">{t('linkage.groups.owners')}</th>
          <th scope="col">{t('linkage.groups.role')}</th>
          <th scope="col">{t('linkage.groups.schema')}</th>
          <th scope="col">{t('linkage.groups.threshold')}</th>
          <th scope="col">{t('linkage.groups.legalBasis')}</th>
          <th scope="col">{t('linkage.groups.secret')}</th>
          <th scope="col">{t('linkage.groups.actions')}</th>
        </tr>
      </thead>
      <tbody>
        {groups.map((group) => (
          <tr key={group.id}>
            <th scope="row">
              <bdi>{group.name}</bdi>
            </th>
            <td className="identifier node-id">{group.unit}</td>
            <td className="identifier node-id">{list(group.owners)}</td>
            <td>{t(`linkage.roles.${group.role}`)}</td>
            <td>
              {t(`linkage.schemas.${group.schema}`)}
              <ul className="plain">
                {Object.entries(group.schemaVersions).map(([kind, version]) => (
                  <li key={kind}>
                    {t('linkage.groups.version', { kind: t(`linkage.recordKinds.${kind as RecordKind}`) })}{' '}
                    <code dir="ltr" title={version}>
                      {shortVersion(version)}
                    </code>
                  </li>
                ))}
              </ul>
            </td>
            <td>{formatThreshold(group.threshold)}</td>
            <td>{group.perpetratorLegalBasis ? <bdi>{group.perpetratorLegalBasis}</bdi> : '—'}</td>
            <td>
              {group.role === 'unit' ? (
                t('linkage.secret.unit')
              ) : group.secret ? (
                <>
                  {t('linkage.secret.installedAt', { at: formatTime(group.secret.installedAt) })}
                  <br />
                  <code dir="ltr" className="fingerprint">
                    {group.secret.fingerprint}
                  </code>
                </>
              ) : (
                t('linkage.secret.missing')
              )}
            </td>
            <td>{actions(group)}</td>
          </tr>
        ))}
      </tbody>
    </ScrollingTable>
  );
}
