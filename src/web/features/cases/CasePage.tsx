import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Agency, SessionUser } from '../../api.ts';
import { PageHeading } from '../../components/PageHeading.tsx';
import { Loaded, useResource } from '../../components/useResource.tsx';
import { DATE, DAY, useDateFormat } from '../../i18n/format.ts';
import { isolate } from '../../i18n/i18n.ts';
import { Link } from '../../router.tsx';
import { CrossBorderPanel } from '../cooperation/referrals/CrossBorderPanel.tsx';
import { canReadEvidence, EvidencePanel } from '../evidence/EvidencePanel.tsx';
import { CaseLinkageAlerts } from '../linkage/CaseLinkageAlerts.tsx';
import { CaseMessages } from '../peers/CaseMessages.tsx';
import { AssignmentPanel } from './AssignmentPanel.tsx';
import { CaseFacts } from './CaseFacts.tsx';
import { DisclosureLog, StageTimes, Timeline } from './CaseHistory.tsx';
import { ConsentPanel } from './ConsentPanel.tsx';
import { type Case, casesApi } from './cases-api.ts';
import { FieldValueText } from './FieldValues.tsx';
import { IdentityPanel } from './IdentityPanel.tsx';
import { ReferralsPanel } from './ReferralsPanel.tsx';
import { RiskPanel } from './RiskPanel.tsx';
import { ServicesPanel } from './ServicesPanel.tsx';
import { StageBar } from './StageBar.tsx';
import { allowsOnCase, isSelf } from './vocabulary.ts';

interface CasePageProps {
  caseId: string;
  user: SessionUser;
  agencies: Agency[];
  /** The case was opened by a first report a moment ago. */
  justCreated: boolean;
}

/** One case: where it stands, the survivor's identity behind a stated purpose, consent, and everything that happened. */
export function CasePage({ caseId, user, agencies, justCreated }: CasePageProps) {
  const { t } = useTranslation();
  // Each change bumps the revision, so that the panels showing what follows from it load again.
  const [revision, setRevision] = useState(0);
  const found = useResource(useCallback(() => casesApi.get(caseId), [caseId]));
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new revision may have moved the case to a new stage.
  const spans = useResource(useCallback(() => casesApi.stages(caseId), [caseId, revision]));
  const bump = () => setRevision((n) => n + 1);
  const changed = (updated: Case) => {
    found.set(updated);
    bump();
  };
  const agencyName = (id: string) => agencies.find((agency) => agency.id === id)?.name ?? id;
  const actorName = (actor: string) =>
    isSelf(user, actor) ? t('case.you', { name: isolate(user.displayName) }) : actor;

  return (
    <>
      <PageHeading
        title={found.data ? t('case.title', { reference: isolate(found.data.reference) }) : t('case.loadingTitle')}
      />
      <p>
        <Link to="/cases">{t('case.back')}</Link>
      </p>
      <Loaded resource={found}>
        {(current) => (
          <>
            {justCreated && (
              <p className="notice" role="status">
                {t('case.created', { reference: isolate(current.reference) })}
              </p>
            )}
            <CaseSummary found={current} agencyName={agencyName} />
            <nav aria-label={t('case.contents')} className="contents">
              <ul>
                {CONTENTS.filter(
                  (part) =>
                    (part !== 'disclosures' || canReadLog(user, current)) &&
                    (part !== 'evidence' || canReadEvidence(user, current)),
                ).map((part) => (
                  <li key={part}>
                    <a href={`#${part}`}>{part === 'evidence' ? t('evidence.title') : t(`case.parts.${part}`)}</a>
                  </li>
                ))}
              </ul>
            </nav>
            <StageBar found={current} spans={spans.data} user={user} actorName={actorName} onChanged={changed} />
            <AssignmentPanel found={current} user={user} onChanged={changed} />
            <IdentityPanel found={current} user={user} onRevealed={bump} onChanged={changed} />
            <CaseFacts found={current} user={user} onChanged={changed} />
            <ConsentPanel
              found={current}
              user={user}
              agencies={agencies}
              revision={revision}
              actorName={actorName}
              onChanged={bump}
            />
            <RiskPanel found={current} user={user} revision={revision} actorName={actorName} onChanged={bump} />
            <ServicesPanel found={current} user={user} agencies={agencies} revision={revision} onChanged={bump} />
            <ReferralsPanel
              found={current}
              user={user}
              agencies={agencies}
              revision={revision}
              actorName={actorName}
              onChanged={bump}
            />
            <CrossBorderPanel found={current} user={user} revision={revision} onChanged={bump} />
            <CaseLinkageAlerts found={current} user={user} />
            <CaseMessages caseId={current.id} revision={revision} />
            {canReadEvidence(user, current) && <EvidencePanel found={current} user={user} actorName={actorName} />}
            {canReadLog(user, current) && (
              <DisclosureLog caseId={current.id} revision={revision} actorName={actorName} agencyName={agencyName} />
            )}
            <Timeline caseId={current.id} revision={revision} actorName={actorName} agencyName={agencyName} />
            <Loaded resource={spans}>{(list) => <StageTimes spans={list} />}</Loaded>
          </>
        )}
      </Loaded>
    </>
  );
}

const CONTENTS = [
  'stage',
  'identity',
  'facts',
  'consent',
  'risk',
  'services',
  'referrals',
  'evidence',
  'disclosures',
  'timeline',
  'stage-times',
] as const;

const canReadLog = (user: SessionUser, found: Case) => allowsOnCase(user, 'disclosure.read', found);

function CaseSummary({ found, agencyName }: { found: Case; agencyName(id: string): string }) {
  const { t } = useTranslation();
  const formatDate = useDateFormat(DATE);
  const formatDay = useDateFormat(DAY);
  return (
    <dl className="facts summary-facts">
      <div>
        <dt>{t('cases.stage')}</dt>
        <dd>
          {t(`stages.${found.stage}`)} · {t('cases.since', { date: formatDate(found.stageSince) })}
        </dd>
      </div>
      <div>
        <dt>{t('cases.traffickingStatus')}</dt>
        <dd>
          <FieldValueText name="vic_TraffickingStatus" value={found.victim.vic_TraffickingStatus as string} />
        </dd>
      </div>
      <div>
        <dt>{t('cases.reported')}</dt>
        <dd>{formatDay(found.reportedAt)}</dd>
      </div>
      <div>
        <dt>{t('cases.agency')}</dt>
        <dd>
          <bdi>{agencyName(found.agencyId)}</bdi>
        </dd>
      </div>
    </dl>
  );
}
