import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SessionUser } from '../../../api.ts';
import { ScrollingTable } from '../../../components/ScrollingTable.tsx';
import { DATE_TIME, useDateFormat } from '../../../i18n/format.ts';
import { isolate } from '../../../i18n/i18n.ts';
import { type HistoryEntry, isMeasure, isPersonRole, MLA_ACTIONS, type MlaRequest, mlaApi } from './mla-api.ts';
import { PurposeForm, personsPurposes } from './PurposeForm.tsx';

/**
 * The persons concerned and the summary of facts stay hidden until the user says why they need them; the node records
 * each read with its purpose. The values stay on the page only while it is open, and Hide drops them.
 */
export function PersonsPanel({ request, user }: { request: MlaRequest; user: SessionUser }) {
  const { t } = useTranslation();
  const ids = useId();
  const notice = useRef<HTMLParagraphElement>(null);
  const [shown, setShown] = useState<{ request: MlaRequest; purpose: string } | null>(null);
  const purposes = personsPurposes(user);

  useEffect(() => {
    if (shown) notice.current?.focus();
  }, [shown]);

  return (
    <section aria-labelledby={`${ids}-title`} className="section">
      <h2 id={`${ids}-title`}>{t('cooperation.mla.persons.title')}</h2>
      {shown ? (
        <>
          <p ref={notice} tabIndex={-1} className="notice">
            {t('cooperation.mla.persons.logged', { purpose: shown.purpose })}
          </p>
          {shown.request.persons?.length ? (
            <ScrollingTable caption={t('cooperation.mla.persons.caption', { count: shown.request.persons.length })}>
              <thead>
                <tr>
                  <th scope="col">{t('cooperation.mla.form.personName')}</th>
                  <th scope="col">{t('cooperation.mla.form.personRole')}</th>
                </tr>
              </thead>
              <tbody>
                {shown.request.persons.map((person, index) => (
                  // Two persons may share a name: their place in the list tells them apart.
                  // biome-ignore lint/suspicious/noArrayIndexKey: the list is shown, never reordered.
                  <tr key={index}>
                    <th scope="row">
                      <bdi>{person.name}</bdi>
                    </th>
                    <td>{isPersonRole(person.role) ? t(`cooperation.mla.roles.${person.role}`) : person.role}</td>
                  </tr>
                ))}
              </tbody>
            </ScrollingTable>
          ) : (
            <p>{t('cooperation.mla.persons.none')}</p>
          )}
          <h3>{t('cooperation.mla.fields.factsSummary')}</h3>
          <p>{shown.request.factsSummary}</p>
          {/* What each measure asks for exactly may name persons too: it comes with them, for the same purpose. */}
          <h3>{t('cooperation.mla.fields.measures')}</h3>
          <ul className="plain">
            {shown.request.measures.map((measure) => (
              <li key={measure.type}>
                {isMeasure(measure.type) ? t(`cooperation.mla.measures.${measure.type}`) : measure.type}
                {measure.description && <span className="hint"> — {measure.description}</span>}
              </li>
            ))}
          </ul>
          <button type="button" className="button secondary" onClick={() => setShown(null)}>
            {t('cooperation.mla.persons.hide')}
          </button>
        </>
      ) : purposes.length === 0 ? (
        <p>{t('cooperation.mla.persons.notAllowed')}</p>
      ) : (
        <>
          <p>{t('cooperation.mla.persons.intro')}</p>
          <PurposeForm
            purposes={purposes}
            label={t('cooperation.mla.persons.formLabel')}
            submit={t('cooperation.mla.persons.reveal')}
            pending={t('cooperation.mla.persons.revealing')}
            onPurpose={async (purpose) =>
              setShown({ request: await mlaApi.get(request.id, purpose), purpose: t(`purposes.${purpose}`) })
            }
          />
        </>
      )}
    </section>
  );
}

const HISTORY_ACTIONS = ['create', 'send', 'receive', ...MLA_ACTIONS] as const;
const isHistoryAction = (action: string): action is (typeof HISTORY_ACTIONS)[number] =>
  HISTORY_ACTIONS.some((known) => known === action);

/** Who did what to the request, when and why: a user of this node, or the other node. */
export function RequestHistory({ history, user }: { history: HistoryEntry[]; user: SessionUser }) {
  const { t } = useTranslation();
  const ids = useId();
  const formatTime = useDateFormat(DATE_TIME);
  // Names as the server resolved them (a person and her agency, or the other node); the id only when it could not.
  const actorName = ({ actor, actorName: name, actorAgency: agency }: HistoryEntry) =>
    actor === `user:${user.id}`
      ? t('cooperation.mla.history.you')
      : name && agency
        ? t('casePage.personAt', { name: isolate(name), agency: isolate(agency) })
        : actor.startsWith('node:')
          ? t('cooperation.mla.history.node', { node: name ?? actor.slice('node:'.length) })
          : (name ?? t('cooperation.mla.history.user', { user: actor.replace(/^user:/, '') }));
  return (
    <section aria-labelledby={`${ids}-title`} className="section">
      <h2 id={`${ids}-title`}>{t('cooperation.mla.history.title')}</h2>
      <ScrollingTable caption={t('cooperation.mla.history.caption', { count: history.length })}>
        <thead>
          <tr>
            <th scope="col">{t('cooperation.mla.history.at')}</th>
            <th scope="col">{t('cooperation.mla.history.action')}</th>
            <th scope="col">{t('cooperation.mla.history.by')}</th>
            <th scope="col">{t('cooperation.mla.history.state')}</th>
            <th scope="col">{t('cooperation.mla.history.reason')}</th>
          </tr>
        </thead>
        <tbody>
          {history.map((entry) => (
            <tr key={`${entry.at}:${entry.action}`}>
              <th scope="row">
                <time dateTime={entry.at}>{formatTime(entry.at)}</time>
              </th>
              <td>
                {isHistoryAction(entry.action) ? t(`cooperation.mla.history.actions.${entry.action}`) : entry.action}
              </td>
              <td>
                <bdi>{actorName(entry)}</bdi>
              </td>
              <td>{t(`cooperation.mla.states.${entry.state}`)}</td>
              <td>{entry.reason ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </ScrollingTable>
    </section>
  );
}
