import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { ScrollingTable } from '../../../components/ScrollingTable.tsx';
import { DATE_TIME, DAY, useDateFormat } from '../../../i18n/format.ts';
import { type Jit, today } from './jit-api.ts';

/** A calendar day of the agreement (YYYY-MM-DD), the same in every time zone. */
export function Day({ value }: { value: string }) {
  const format = useDateFormat(DAY);
  return <time dateTime={value}>{format(`${value}T00:00:00Z`)}</time>;
}

/** A node by its id, which keeps its direction in any language. */
export function NodeId({ id }: { id: string }) {
  return (
    <bdi className="identifier" dir="ltr">
      {id}
    </bdi>
  );
}

/** Every party, the node that set the team up first and marked so. */
export function Parties({ jit }: { jit: Pick<Jit, 'parties' | 'createdByNode'> }) {
  const { t } = useTranslation();
  return (
    <ul className="plain">
      {jit.parties.map((party) => (
        <li key={party}>
          <NodeId id={party} />
          {party === jit.createdByNode && <span className="hint"> {t('cooperation.jit.setUpBy')}</span>}
        </li>
      ))}
    </ul>
  );
}

export function Period({ jit }: { jit: Pick<Jit, 'startsOn' | 'endsOn'> }) {
  const { t } = useTranslation();
  return (
    <>
      <Day value={jit.startsOn} /> {t('cooperation.jit.to')} <Day value={jit.endsOn} />
    </>
  );
}

/** Active, ended (nothing more can be added), or not started yet. */
export function JitStatus({ jit }: { jit: Pick<Jit, 'ended' | 'startsOn'> }) {
  const { t } = useTranslation();
  if (jit.ended) return <span className="tag">{t('cooperation.jit.status.ended')}</span>;
  if (jit.startsOn > today()) return <>{t('cooperation.jit.status.upcoming')}</>;
  return <>{t('cooperation.jit.status.active')}</>;
}

/** The agreement: what the team is for, between whom, for how long, and the agencies of every party taking part. */
export function Agreement({ jit }: { jit: Jit }) {
  const { t } = useTranslation();
  const ids = useId();
  const formatTime = useDateFormat(DATE_TIME);
  return (
    <section aria-labelledby={`${ids}-title`} className="section">
      <h2 id={`${ids}-title`}>{t('cooperation.jit.agreement.title')}</h2>
      <dl className="facts">
        <div>
          <dt>{t('cooperation.jit.fields.purpose')}</dt>
          <dd>
            <bdi>{jit.purpose}</bdi>
          </dd>
        </div>
        <div>
          <dt>{t('cooperation.jit.fields.parties')}</dt>
          <dd>
            <Parties jit={jit} />
          </dd>
        </div>
        <div>
          <dt>{t('cooperation.jit.fields.period')}</dt>
          <dd>
            <Period jit={jit} />
          </dd>
        </div>
        <div>
          <dt>{t('cooperation.jit.list.status')}</dt>
          <dd>
            <JitStatus jit={jit} />
          </dd>
        </div>
        <div>
          <dt>{t('cooperation.jit.agreement.createdAt')}</dt>
          <dd>
            <time dateTime={jit.createdAt}>{formatTime(jit.createdAt)}</time>
          </dd>
        </div>
      </dl>
      {jit.ended && <p className="notice">{t('cooperation.jit.endedNotice')}</p>}
      <h3>{t('cooperation.jit.agreement.members')}</h3>
      {jit.members.length === 0 ? (
        <p>{t('cooperation.jit.agreement.noMembers')}</p>
      ) : (
        <ScrollingTable caption={t('cooperation.jit.agreement.caption', { count: jit.members.length })}>
          <thead>
            <tr>
              <th scope="col">{t('cooperation.jit.fields.node')}</th>
              <th scope="col">{t('cooperation.jit.fields.agency')}</th>
              <th scope="col">{t('cooperation.jit.agreement.joined')}</th>
            </tr>
          </thead>
          <tbody>
            {[...jit.members]
              .sort((a, b) => jit.parties.indexOf(a.node) - jit.parties.indexOf(b.node))
              .map((member) => (
                <tr key={`${member.node}:${member.agency}:${member.joinedAt}`}>
                  <td>
                    <NodeId id={member.node} />
                  </td>
                  <th scope="row">
                    <bdi>{member.agency}</bdi>
                  </th>
                  <td>
                    <time dateTime={member.joinedAt}>{formatTime(member.joinedAt)}</time>
                  </td>
                </tr>
              ))}
          </tbody>
        </ScrollingTable>
      )}
    </section>
  );
}
