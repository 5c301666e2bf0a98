import { useCallback, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SessionUser } from '../../../api.ts';
import { HandlingSummary } from '../../../components/Handling.tsx';
import { PageHeading } from '../../../components/PageHeading.tsx';
import { Loaded, useResource } from '../../../components/useResource.tsx';
import { DATE_TIME, DAY, useCountryName, useDateFormat } from '../../../i18n/format.ts';
import { Link } from '../../../router.tsx';
import { allows } from '../../cases/vocabulary.ts';
import { ClocksTable } from './Clocks.tsx';
import { isMeasure, type MlaRequest, mlaApi } from './mla-api.ts';
import { hasSteps, RequestActions } from './RequestActions.tsx';
import { PersonsPanel, RequestHistory } from './RequestSections.tsx';

/** One request: what it asks, its clocks, the steps open to this node, what it says about people, and its history. */
export function RequestPage({ id, user }: { id: string; user: SessionUser }) {
  const request = useResource(
    useCallback(() => mlaApi.get(id), [id]),
    { live: true },
  );
  return (
    <Loaded resource={request}>{(found) => <RequestView request={found} user={user} onChanged={request.set} />}</Loaded>
  );
}

interface RequestViewProps {
  request: MlaRequest;
  user: SessionUser;
  onChanged(request: MlaRequest): void;
}

function RequestView({ request, user, onChanged }: RequestViewProps) {
  const { t } = useTranslation();
  const ids = useId();
  const [done, setDone] = useState<string | null>(null);
  const status = useRef<HTMLParagraphElement>(null);
  const canManage = allows(user, 'mla.manage', null);

  // The step's outcome takes the focus from the button or form that is gone now.
  useEffect(() => {
    if (done) status.current?.focus();
  }, [done]);

  return (
    <>
      <PageHeading title={t(`cooperation.mla.sides.${request.side}`, { peer: request.peer })} />
      <p>
        <Link to="/cooperation/mla">{t('cooperation.mla.back')}</Link>
      </p>
      <p ref={status} role="status" tabIndex={-1} className={done ? 'notice' : undefined}>
        {done}
      </p>
      <RequestFacts request={request} />
      {canManage && (
        <section aria-labelledby={`${ids}-actions`} className="section">
          <h2 id={`${ids}-actions`}>{t('cooperation.mla.actions.title')}</h2>
          {hasSteps(request) ? (
            <RequestActions
              request={request}
              onChanged={(updated, message) => {
                onChanged(updated);
                setDone(message);
              }}
            />
          ) : (
            <p>{t('cooperation.mla.actions.none')}</p>
          )}
        </section>
      )}
      <section aria-labelledby={`${ids}-clocks`} className="section">
        <h2 id={`${ids}-clocks`}>{t('cooperation.mla.clock.title')}</h2>
        {request.clocks.length === 0 ? (
          <p>{t('cooperation.mla.clock.notStarted')}</p>
        ) : (
          <ClocksTable clocks={request.clocks} />
        )}
      </section>
      <PersonsPanel request={request} user={user} />
      <RequestHistory history={request.history ?? []} user={user} />
    </>
  );
}

/** What the request asks, of whom, and where it stands. */
function RequestFacts({ request }: { request: MlaRequest }) {
  const { t } = useTranslation();
  const formatTime = useDateFormat(DATE_TIME);
  const formatDay = useDateFormat(DAY);
  const countryName = useCountryName();
  const authority = (value: { name: string; country: string }) => (
    <>
      <bdi>{value.name}</bdi> ({countryName(value.country)})
    </>
  );
  const steps: [string, string | null][] = [
    [t('cooperation.mla.facts.created'), request.createdAt],
    [t('cooperation.mla.facts.sent'), request.sentAt],
    [t('cooperation.mla.facts.received'), request.receivedAt],
    [t('cooperation.mla.facts.acknowledged'), request.acknowledgedAt],
    [
      request.decision === 'refused' ? t('cooperation.mla.facts.refused') : t('cooperation.mla.facts.recognised'),
      request.decidedAt,
    ],
    [t('cooperation.mla.facts.executionStarted'), request.executionStartedAt],
    [t('cooperation.mla.facts.executed'), request.executedAt],
    [t('cooperation.mla.facts.evidenceReturned'), request.evidenceReturnedAt],
    [t('cooperation.mla.facts.closed'), request.closedAt],
  ];
  return (
    <dl className="facts">
      <div>
        <dt>{t('cooperation.mla.list.state')}</dt>
        <dd>
          <strong>{t(`cooperation.mla.states.${request.state}`)}</strong>
        </dd>
      </div>
      <div>
        <dt>{t('cooperation.mla.fields.urgency')}</dt>
        <dd>{request.urgent ? t('cooperation.mla.urgent') : t('cooperation.mla.normal')}</dd>
      </div>
      <div>
        <dt>{t('cooperation.mla.fields.issuingAuthority')}</dt>
        <dd>
          {authority(request.issuingAuthority)} · <span className="identifier">{request.issuingNode}</span>
        </dd>
      </div>
      <div>
        <dt>{t('cooperation.mla.fields.executingAuthority')}</dt>
        <dd>
          {authority(request.executingAuthority)} · <span className="identifier">{request.executingNode}</span>
        </dd>
      </div>
      <div>
        <dt>{t('cooperation.mla.fields.legalClassification')}</dt>
        <dd>
          <bdi>{request.legalClassification}</bdi>
        </dd>
      </div>
      <div>
        <dt>{t('sharing.handling.label')}</dt>
        <dd>
          <HandlingSummary handling={request} />
        </dd>
      </div>
      <div>
        <dt>{t('cooperation.mla.fields.requestedDeadline')}</dt>
        <dd>{request.requestedDeadline ? formatDay(`${request.requestedDeadline}T00:00:00Z`) : '—'}</dd>
      </div>
      <div>
        <dt>{t('cooperation.mla.fields.measures')}</dt>
        <dd>
          <ul className="plain">
            {request.measures.map((measure) => (
              <li key={measure.type}>
                {isMeasure(measure.type) ? t(`cooperation.mla.measures.${measure.type}`) : measure.type}
                {measure.description && <span className="hint"> — {measure.description}</span>}
              </li>
            ))}
          </ul>
        </dd>
      </div>
      {request.side === 'issuing' && (
        <div>
          <dt>{t('cooperation.mla.fields.case')}</dt>
          <dd>
            {request.caseId ? (
              <Link to={`/cases/${encodeURIComponent(request.caseId)}`}>{t('cooperation.mla.facts.openCase')}</Link>
            ) : (
              '—'
            )}
          </dd>
        </div>
      )}
      {request.extension && (
        <div>
          <dt>{t('cooperation.mla.facts.extension')}</dt>
          <dd>
            {t('cooperation.mla.facts.extensionDays', { count: request.extension.days })}
            <blockquote>{request.extension.reason}</blockquote>
          </dd>
        </div>
      )}
      {request.postponement && (
        <div>
          <dt>{t('cooperation.mla.facts.postponement')}</dt>
          <dd>
            {t('cooperation.mla.facts.postponedUntil', {
              date: formatDay(`${request.postponement.until}T00:00:00Z`),
            })}
            <blockquote>{request.postponement.reason}</blockquote>
          </dd>
        </div>
      )}
      {steps.map(([label, at]) =>
        at ? (
          <div key={label}>
            <dt>{label}</dt>
            <dd>
              <time dateTime={at}>{formatTime(at)}</time>
            </dd>
          </div>
        ) : null,
      )}
    </dl>
  );
}
