import { useCallback, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Purpose, SessionUser } from '../../api.ts';
import { SelectField } from '../../components/Field.tsx';
import { Loaded, useResource } from '../../components/useResource.tsx';
import type { Case } from '../cases/cases-api.ts';
import { allowsOnCase, isPurpose } from '../cases/vocabulary.ts';
import { EvidenceEntry } from './EvidenceEntry.tsx';
import { EvidenceUpload } from './EvidenceUpload.tsx';
import { DOWNLOAD_PURPOSES, evidenceApi } from './evidence-api.ts';

interface EvidencePanelProps {
  found: Case;
  user: SessionUser;
  actorName(actor: string): string;
}

export { canReadEvidence } from './evidence-access.ts';

/**
 * The case's evidence: the items with their hashes, handling codes and custody histories, downloads for a stated
 * purpose, working copies, the evidence package, and the upload of new items. Each control appears only when the
 * policy allows it; the node checks again.
 */
export function EvidencePanel({ found, user, actorName }: EvidencePanelProps) {
  const { t } = useTranslation();
  const ids = useId();
  const items = useResource(useCallback(() => evidenceApi.list(found.id), [found.id]));
  const [purpose, setPurpose] = useState<Purpose | null>(null);
  const purposes = DOWNLOAD_PURPOSES.filter((option) => allowsOnCase(user, 'evidence.download', found, option));
  const canAdd = allowsOnCase(user, 'evidence.add', found);
  const canDerive = allowsOnCase(user, 'evidence.derive', found);
  const canExport = allowsOnCase(user, 'evidence.export', found);

  return (
    <section id="evidence" aria-labelledby={`${ids}-title`} className="section">
      <h2 id={`${ids}-title`}>{t('evidence.title')}</h2>
      <p>{t('evidence.intro')}</p>
      {purposes.length > 0 && (
        <SelectField
          label={t('evidence.purpose')}
          hint={t('evidence.purposeHint')}
          name="purpose"
          value={purpose ?? ''}
          onChange={(event) => setPurpose(isPurpose(event.target.value) ? event.target.value : null)}
        >
          <option value="">{t('evidence.purposeNone')}</option>
          {purposes.map((option) => (
            <option key={option} value={option}>
              {t(`purposes.${option}`)}
            </option>
          ))}
        </SelectField>
      )}
      <Loaded resource={items}>
        {(list) =>
          list.length === 0 ? (
            <p>{t('evidence.none')}</p>
          ) : (
            <>
              <p>{t('evidence.count', { count: list.length })}</p>
              <ul className="evidence-list">
                {list.map((item) => (
                  <EvidenceEntry
                    key={item.id}
                    item={item}
                    original={list.find((other) => other.id === item.parentId)}
                    purpose={purpose}
                    canDerive={canDerive}
                    actorName={actorName}
                    onCopyAdded={items.reload}
                  />
                ))}
              </ul>
              {canExport && (
                <div className="subsection">
                  <h3>{t('evidence.package.title')}</h3>
                  <p>{t('evidence.package.intro')}</p>
                  <p>
                    <a className="button secondary" href={evidenceApi.packageUrl(found.id)} download>
                      {t('evidence.package.download')}
                    </a>
                  </p>
                </div>
              )}
            </>
          )
        }
      </Loaded>
      {canAdd && <EvidenceUpload caseId={found.id} onAdded={items.reload} />}
    </section>
  );
}
