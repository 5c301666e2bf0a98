import { useCallback, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SessionUser } from '../../api.ts';
import { ChoiceField, TextAreaField } from '../../components/Field.tsx';
import { PageHeading } from '../../components/PageHeading.tsx';
import { fieldText } from '../../components/useForm.tsx';
import { Loaded, useResource } from '../../components/useResource.tsx';
import { DATE_TIME, useDateFormat } from '../../i18n/format.ts';
import { Link } from '../../router.tsx';
import { agenciesWhere, allows, isSelf } from '../cases/vocabulary.ts';
import { useKindLabel, useScoreFormat } from './AlertTable.tsx';
import { type LinkageAlert, linkageApi } from './linkage-api.ts';
import { LinkageProblem, useLinkageForm } from './linkage-errors.tsx';

const MIN_REASON = 3;
const DECISIONS = ['confirm', 'dismiss'] as const;
type Decision = (typeof DECISIONS)[number];
/** Whether the user may do `action` in some agency; the alert's case is in one of theirs, and the node decides. */
function inAnyAgency(user: SessionUser, action: 'linkage.alert_decide' | 'referral.offer'): boolean {
  const agencies = agenciesWhere(user, action);
  return agencies === null || agencies.length > 0;
}

const isDecision = (value: string): value is Decision => DECISIONS.some((decision) => decision === value);

/** One alert: what matched and where, and, while it is open, the decision on it with the reason. */
export function AlertPage({ id, user }: { id: string; user: SessionUser }) {
  const { t } = useTranslation();
  const found = useResource(useCallback(() => linkageApi.alert(id), [id]));
  const [decided, setDecided] = useState<string | null>(null);
  const kindLabel = useKindLabel();
  const alert = found.data;
  return (
    <>
      <PageHeading
        title={alert ? t('linkage.alert.title', { kind: kindLabel(alert.kind) }) : t('linkage.alert.loading')}
      />
      <p>
        <Link to="/linkage">{t('linkage.alert.back')}</Link>
      </p>
      <Loaded resource={found}>
        {(current) =>
          current === null ? (
            <p>{t('linkage.alert.notFound')}</p>
          ) : (
            <>
              <Decided message={decided} />
              <AlertFacts alert={current} user={user} />
              {current.status === 'open' && inAnyAgency(user, 'linkage.alert_decide') && (
                <DecisionForm
                  alert={current}
                  onDecided={(updated) => {
                    found.set(updated);
                    setDecided(
                      t(`linkage.decision.done.${updated.status === 'confirmed' ? 'confirmed' : 'dismissed'}`),
                    );
                  }}
                />
              )}
              {current.status === 'confirmed' && <FollowUp alert={current} user={user} />}
            </>
          )
        }
      </Loaded>
    </>
  );
}

/** The outcome of a decision, announced and focused, so that the user knows the form is gone because it worked. */
function Decided({ message }: { message: string | null }) {
  const status = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (message) status.current?.focus();
  }, [message]);
  return (
    <p ref={status} role="status" tabIndex={-1} className={message ? 'notice' : undefined}>
      {message}
    </p>
  );
}

function AlertFacts({ alert, user }: { alert: LinkageAlert; user: SessionUser }) {
  const { t } = useTranslation();
  const formatTime = useDateFormat(DATE_TIME);
  const formatScore = useScoreFormat();
  const decidedBy = (actor: string | null) =>
    actor === null ? '—' : isSelf(user, actor) ? t('linkage.alert.you') : actor;
  return (
    <>
      <p>{t(`linkage.alert.explain.${alert.kind}`, { node: alert.otherNode })}</p>
      <dl className="facts">
        <div>
          <dt>{t('linkage.alert.case')}</dt>
          <dd>
            <Link to={`/cases/${encodeURIComponent(alert.caseId)}`}>
              <span className="identifier">{alert.caseReference}</span>
            </Link>
          </dd>
        </div>
        <div>
          <dt>{t('linkage.alert.recordKind')}</dt>
          <dd>{t(`linkage.recordKinds.${alert.recordKind}`)}</dd>
        </div>
        <div>
          <dt>{t('linkage.alert.score')}</dt>
          <dd>{formatScore(alert.score)}</dd>
        </div>
        <div>
          <dt>{t('linkage.alert.otherNode')}</dt>
          <dd className="identifier node-id">{alert.otherNode}</dd>
        </div>
        <div>
          <dt>{t('linkage.alert.otherRef')}</dt>
          <dd>
            <code dir="ltr">{alert.otherRef}</code>
          </dd>
        </div>
        <div>
          <dt>{t('linkage.alert.schemaVersion')}</dt>
          <dd>
            <code dir="ltr" className="fingerprint">
              {alert.schemaVersion}
            </code>
          </dd>
        </div>
        <div>
          <dt>{t('linkage.alert.status')}</dt>
          <dd>{t(`linkage.statuses.${alert.status}`)}</dd>
        </div>
        <div>
          <dt>{t('linkage.alert.raised')}</dt>
          <dd>{formatTime(alert.createdAt)}</dd>
        </div>
        {alert.status !== 'open' && (
          <>
            <div>
              <dt>{t('linkage.alert.decidedBy')}</dt>
              <dd>
                {decidedBy(alert.decidedBy)}
                {alert.decidedAt && ` · ${formatTime(alert.decidedAt)}`}
              </dd>
            </div>
            <div>
              <dt>{t('linkage.alert.reason')}</dt>
              <dd>
                <bdi>{alert.reason ?? '—'}</bdi>
              </dd>
            </div>
          </>
        )}
      </dl>
      <p className="hint">{t('linkage.alert.noNames')}</p>
    </>
  );
}

function DecisionForm({ alert, onDecided }: { alert: LinkageAlert; onDecided(alert: LinkageAlert): void }) {
  const { t } = useTranslation();
  const ids = useId();
  const form = useLinkageForm(
    async (data) => {
      const decision = fieldText(data, 'decision');
      const reason = fieldText(data, 'reason');
      if (!isDecision(decision)) throw new LinkageProblem('decision_missing', 'decision');
      if (reason.length < MIN_REASON) throw new LinkageProblem('reason_short', 'reason');
      onDecided(await linkageApi.decide(alert.id, decision, reason));
    },
    { linkage_alert_decided: 'decision', invalid_request: 'reason' },
  );
  return (
    <form className="form section" noValidate aria-labelledby={`${ids}-title`} onSubmit={form.onSubmit}>
      <h2 id={`${ids}-title`}>{t('linkage.decision.title')}</h2>
      <p className="hint">{t('linkage.decision.intro')}</p>
      {form.error}
      <ChoiceField
        label={t('linkage.decision.label')}
        name="decision"
        type="radio"
        errorId={form.errorFor('decision')}
        options={DECISIONS.map((decision) => ({ value: decision, label: t(`linkage.decision.${decision}`) }))}
      />
      <TextAreaField
        label={t('linkage.decision.reason')}
        hint={t('linkage.decision.reasonHint')}
        name="reason"
        required
        minLength={MIN_REASON}
        maxLength={2000}
        errorId={form.errorFor('reason')}
      />
      <button type="submit" className="button" aria-disabled={form.pending}>
        {form.pending ? t('linkage.decision.saving') : t('linkage.decision.submit')}
      </button>
    </form>
  );
}

/** After a confirmed match: ask the other node formally, quoting its reference, which only it can resolve. */
function FollowUp({ alert, user }: { alert: LinkageAlert; user: SessionUser }) {
  const { t } = useTranslation();
  const ids = useId();
  const refers = inAnyAgency(user, 'referral.offer');
  const drafts = allows(user, 'mla.manage', null);
  return (
    <section aria-labelledby={`${ids}-title`} className="section">
      <h2 id={`${ids}-title`}>{t('linkage.followUp.title')}</h2>
      <p>{t('linkage.followUp.intro', { node: alert.otherNode, ref: alert.otherRef })}</p>
      <ul>
        {refers && (
          <li>
            <Link to={`/cases/${encodeURIComponent(alert.caseId)}/cooperation`}>
              {t('linkage.followUp.refer', { node: alert.otherNode })}
            </Link>
          </li>
        )}
        {drafts && (
          <li>
            <Link to="/cooperation/mla/new">{t('linkage.followUp.mla', { node: alert.otherNode })}</Link>
          </li>
        )}
      </ul>
      {!refers && !drafts && <p>{t('linkage.followUp.askColleague')}</p>}
    </section>
  );
}
