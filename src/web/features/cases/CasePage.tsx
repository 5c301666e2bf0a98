import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Agency, SessionUser } from '../../api.ts';
import { EvidencePanel } from '../../areas.tsx';
import { PageHeading } from '../../components/PageHeading.tsx';
import { Loaded, useResource } from '../../components/useResource.tsx';
import { isolate } from '../../i18n/i18n.ts';
import { Link } from '../../router.tsx';
import { CrossBorderPanel } from '../cooperation/referrals/CrossBorderPanel.tsx';
import { canReadEvidence } from '../evidence/evidence-access.ts';
import { CaseLinkageAlerts } from '../linkage/CaseLinkageAlerts.tsx';
import { CaseMessages } from '../peers/CaseMessages.tsx';
import { AssignmentPanel } from './AssignmentPanel.tsx';
import { CaseFacts } from './CaseFacts.tsx';
import { DisclosureLog, StageTimes, Timeline } from './CaseHistory.tsx';
import { CaseLabelForm } from './CaseLabelForm.tsx';
import { CaseSummaryBar, ReferralBanner } from './CaseSummaryBar.tsx';
import { ConsentPanel } from './ConsentPanel.tsx';
import { type Case, type CaseOverview, casesApi } from './cases-api.ts';
import { IdentityPanel } from './IdentityPanel.tsx';
import { ReferralsPanel } from './ReferralsPanel.tsx';
import { RiskPanel } from './RiskPanel.tsx';
import { ServicesPanel } from './ServicesPanel.tsx';
import { StageBar } from './StageBar.tsx';
import { VoidCase } from './VoidCase.tsx';
import { allowsOnCase, isSelf } from './vocabulary.ts';
import '../../styles/case-page.css';

/** The sections of a case page, each at its own address (/cases/{id}/{section}); the first is the default. */
export const CASE_SECTIONS = [
  'summary',
  'identity',
  'risk',
  'consent',
  'services',
  'evidence',
  'cooperation',
  'history',
] as const;
export type CaseSection = (typeof CASE_SECTIONS)[number];
export const isCaseSection = (value: string): value is CaseSection =>
  (CASE_SECTIONS as readonly string[]).includes(value);

interface CasePageProps {
  caseId: string;
  /** The section in the address; null for the first. */
  section: CaseSection | null;
  user: SessionUser;
  agencies: Agency[];
  /** The case was opened by a first report a moment ago. */
  justCreated: boolean;
}

/**
 * One case, in sections: a summary that stays on top, and one section at a time (its own address, so that Back and a
 * shared link come back to it). The page loads with one request (the overview); a section loads its own detail when
 * it opens.
 */
export function CasePage({ caseId, section, user, agencies, justCreated }: CasePageProps) {
  const { t } = useTranslation();
  // Each change bumps the revision, so that the summary and the panels showing what follows from it load again.
  const [revision, setRevision] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new revision means a changed case to load again.
  const overview = useResource(useCallback(() => casesApi.overview(caseId), [caseId, revision]));
  const bump = () => setRevision((n) => n + 1);
  const changed = (updated: Case) => {
    if (overview.data) overview.set({ ...overview.data, case: updated });
    bump();
  };
  const current = overview.data?.case;

  return (
    <>
      <PageHeading
        title={current ? t('case.title', { reference: isolate(current.reference) }) : t('case.loadingTitle')}
      />
      <p>
        <Link to="/cases">{t('case.back')}</Link>
      </p>
      <Loaded resource={overview}>
        {(loaded) => (
          <CaseSections
            loaded={loaded}
            section={section ?? 'summary'}
            user={user}
            agencies={agencies}
            justCreated={justCreated}
            revision={revision}
            onChanged={changed}
            onBump={bump}
          />
        )}
      </Loaded>
    </>
  );
}

interface CaseSectionsProps {
  loaded: CaseOverview;
  section: CaseSection;
  user: SessionUser;
  agencies: Agency[];
  justCreated: boolean;
  revision: number;
  onChanged(updated: Case): void;
  onBump(): void;
}

function CaseSections({
  loaded,
  section,
  user,
  agencies,
  justCreated,
  revision,
  onChanged,
  onBump,
}: CaseSectionsProps) {
  const { t } = useTranslation();
  const found = loaded.case;
  const agencyName = (id: string) =>
    agencies.find((agency) => agency.id === id)?.name ?? (id === found.agencyId ? loaded.access.ownerAgency : id);
  // People by name and agency, as the server resolved them; the signed-in user as herself.
  const actorName = (actor: string) => {
    if (isSelf(user, actor)) return t('case.you', { name: isolate(user.displayName) });
    const person = loaded.people[actor];
    if (!person) return actor;
    return person.agency
      ? t('casePage.personAt', { name: isolate(person.name), agency: isolate(person.agency) })
      : person.name;
  };
  // Risk and service plans are read by those who give care (`care.read`): a safety plan can say where she is.
  const readsCare = allowsOnCase(user, 'care.read', found);
  const sections = CASE_SECTIONS.filter(
    (part) => (part !== 'evidence' || canReadEvidence(user, found)) && (part !== 'risk' || readsCare),
  );
  const shown = sections.includes(section) ? section : 'summary';
  const base = `/cases/${encodeURIComponent(found.id)}`;

  return (
    <>
      {justCreated && (
        <p className="notice" role="status">
          {t('case.created', { reference: isolate(found.reference) })}
        </p>
      )}
      {loaded.access.via === 'referral' && (
        <ReferralBanner user={user} found={found} owner={loaded.access.ownerAgency} />
      )}
      <CaseSummaryBar overview={loaded} actorName={actorName} agencyName={agencyName} />
      <nav aria-label={t('casePage.sectionsLabel')} className="case-sections">
        <ul>
          {sections.map((part) => (
            <li key={part}>
              <Link
                to={part === 'summary' ? base : `${base}/${part}`}
                className={part === shown ? 'current' : undefined}
              >
                {t(`casePage.sections.${part}`)}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <div className="case-section" data-section={shown}>
        {shown === 'summary' && (
          <>
            <StageBar found={found} spans={loaded.stages} user={user} actorName={actorName} onChanged={onChanged} />
            <AssignmentPanel found={found} user={user} onChanged={onChanged} />
            <CaseLabelForm found={found} user={user} />
            <CaseFacts found={found} user={user} onChanged={onChanged} />
            <StageTimes spans={loaded.stages} />
            <VoidCase found={found} user={user} />
          </>
        )}
        {shown === 'identity' && <IdentityPanel found={found} user={user} onRevealed={onBump} onChanged={onChanged} />}
        {shown === 'risk' && (
          <RiskPanel found={found} user={user} revision={revision} actorName={actorName} onChanged={onBump} />
        )}
        {shown === 'consent' && (
          <ConsentPanel
            found={found}
            user={user}
            agencies={agencies}
            revision={revision}
            actorName={actorName}
            onChanged={onBump}
          />
        )}
        {shown === 'services' && (
          <>
            {readsCare && (
              <ServicesPanel found={found} user={user} agencies={agencies} revision={revision} onChanged={onBump} />
            )}
            <ReferralsPanel
              found={found}
              user={user}
              agencies={agencies}
              revision={revision}
              actorName={actorName}
              onChanged={onBump}
            />
          </>
        )}
        {shown === 'evidence' && <EvidencePanel found={found} user={user} actorName={actorName} />}
        {shown === 'cooperation' && (
          <>
            <CrossBorderPanel found={found} user={user} revision={revision} onChanged={onBump} />
            <CaseMessages caseId={found.id} revision={revision} />
            <CaseLinkageAlerts found={found} user={user} />
          </>
        )}
        {shown === 'history' && (
          <>
            <Timeline caseId={found.id} revision={revision} actorName={actorName} agencyName={agencyName} />
            {allowsOnCase(user, 'disclosure.read', found) && (
              <DisclosureLog caseId={found.id} revision={revision} actorName={actorName} agencyName={agencyName} />
            )}
          </>
        )}
      </div>
    </>
  );
}
